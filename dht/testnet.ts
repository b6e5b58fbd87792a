// A loopback network of engines in one process, for tests, benchmarks and local experiments.
// Node 0 starts alone; nodes 1–2 bootstrap to the ones before them; the rest start concurrently
// through nodes 0–2 (bootstrapping to a node that is not up yet costs a whole query timeout).
import { keyPairFromSeed } from '../chain/crypto.js'
import { DhtEngine, type EngineOptions } from './engine.js'
import type { Endpoint } from './endpoint.js'

export interface TestNetOptions {
  /** Key pairs are keyPairFromSeed(`${keySeed}-${i}`): dev keys, never real funds. */
  keySeed?: string
  /** Per-node data dir (routing table persistence), by index. */
  dataDir?: (i: number) => string | undefined
  /** Extra engine options for every node. */
  engine?: Partial<EngineOptions>
}

export class TestNet {
  private constructor (readonly engines: DhtEngine[], private readonly opts: TestNetOptions) {}

  static async start (n: number, opts: TestNetOptions = {}): Promise<TestNet> {
    const net = new TestNet([], opts)
    try {
      for (let i = 0; i < Math.min(n, 3); i++) await net.add(net.engines.map(e => e.endpoint))
      const seeds = net.engines.map(e => e.endpoint)
      await Promise.all(Array.from({ length: Math.max(0, n - 3) }, async () => await net.add(seeds)))
    } catch (e) {
      await net.stop()
      throw e
    }
    return net
  }

  /** Starts one more engine (index = engines.length) bootstrapped through `bootstrap`. */
  async add (bootstrap: Endpoint[] = this.seeds(), extra: Partial<EngineOptions> = {}): Promise<DhtEngine> {
    const i = this.engines.length
    const e = new DhtEngine({
      keyPair: keyPairFromSeed(`${this.opts.keySeed ?? 'dht-testnet'}-${i}`),
      bootstrap,
      dataDir: this.opts.dataDir?.(i),
      ...this.opts.engine,
      ...extra
    })
    this.engines.push(e)
    await e.start()
    return e
  }

  seeds (): Endpoint[] {
    return this.engines.filter(e => e.running).slice(0, 3).map(e => e.endpoint)
  }

  async stop (): Promise<void> {
    await Promise.all(this.engines.map(async e => await e.stop()))
  }
}
