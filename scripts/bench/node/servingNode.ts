// The probes' common start: a chain of `blocks` × 8 transfers built in a temp dir and served by a
// mine:false node that is ready; nodes the probe starts bootstrap to `endpoint`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchNode } from './proc.js'
import { type ServedChain, buildServedChain } from './servedChain.js'

export interface ServingNode { work: string, served: ServedChain, server: BenchNode, endpoint: Awaited<ReturnType<BenchNode['dhtEndpoint']>> }

export async function startServingNode (prefix: string, blocks: number): Promise<ServingNode> {
  const work = mkdtempSync(join(tmpdir(), prefix))
  const served = await buildServedChain(join(work, 'served'), blocks, 8, s => { process.stderr.write(s + '\n') })
  const server = new BenchNode({ dataDir: served.dir, genesisFile: served.genesisFile, keyFile: served.keyFile })
  try {
    const endpoint = await server.dhtEndpoint()
    await server.waitLine(l => l.message === 'node ready', 60_000, 'server ready')
    return { work, served, server, endpoint }
  } catch (e) {
    await server.stop()
    rmSync(work, { recursive: true, force: true })
    throw e
  }
}
