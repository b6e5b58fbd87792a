// Separate hosts and NAT on one machine: 6 real node processes, each in its own Linux network
// namespace on a bridge (real kernel routing, no loopback), the last 2 each behind its own home
// router that masquerades (nftables). They mine and take transfers; every node converges on one
// tip hash, blocks mined behind NAT reach every node, no transfer is lost, and each node's public
// endpoint (learnt from its peers' BEP 42 reports) is the one the others know it by.
// Needs root, `ip` and `nft` (CI runs as root; .ci/run installs iproute2 and nftables).
import { expect } from 'chai'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { blocksTimeoutMs, convergeTimeoutMs, healthyTimeoutMs, maxBlockTimeS } from '../../scripts/testnet/constants.js'
import { NETNS_PREFIX } from '../../scripts/testnet/constants.js'
import { cleanupStale, netnsMissing } from '../../scripts/testnet/netns.js'
import { REPO_ROOT, Testnet } from '../../scripts/testnet/network.js'
import { TxSender } from '../../scripts/testnet/txSender.js'
import { waitFor } from '../../scripts/testnet/wait.js'

const BLOCK_TIME_S = 10
const NAT_NODES = [4, 5]
const log = (e: Record<string, unknown>): void => { console.log(`      netns: ${JSON.stringify(e)}`) }
const ownNamespaces = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  .split('\n').filter(l => l.startsWith(`${NETNS_PREFIX}${process.pid}-`))

describe('testnet --netns --nat 2: 6 nodes on a bridge, 2 behind NAT', function () {
  this.timeout(8 * 60_000) // outer guard; every wait inside has its own deadline
  let net: Testnet | undefined
  let tx: TxSender

  before(async function () {
    const missing = netnsMissing()
    if (missing !== undefined) {
      console.log(`      skipped: ${missing.message}`)
      this.skip()
    }
    net = await Testnet.create({ nodes: 6, blockTime: BLOCK_TIME_S, mutableRange: 6, seed: 'tau-ci-netns', netns: { nat: 2 } })
    tx = new TxSender(net)
    net.start()
    await net.waitHealthy({ timeoutMs: healthyTimeoutMs(BLOCK_TIME_S) })
  })

  after(async () => {
    if (net === undefined) return
    await net.stop()
    net.removeDir()
    expect(ownNamespaces(), 'namespaces left after stop').to.deep.equal([])
  })

  it('puts each node in its own namespace; the NAT nodes have private addresses behind their routers', () => {
    const hosts = net!.layout!.hosts
    expect(new Set(hosts.map(h => h.ns)).size).to.equal(6)
    expect(ownNamespaces().length).to.equal(1 + 6 + 2) // the bridge's, the nodes', the routers'
    for (const i of NAT_NODES) {
      expect(hosts[i].natGroup).to.not.equal(null)
      expect(hosts[i].address).to.match(/^10\.214\./)
      expect(hosts[i].publicHost).to.not.equal(hosts[i].address)
    }
  })

  it('mines with transfers from every node: one tip hash, NAT-mined blocks on every node, no transfer lost', async () => {
    const sent = await Promise.all([tx.send(4, 0, 'netns'), tx.send(5, 1, 'netns'), tx.send(0, 4, 'netns'), tx.send(2, 5, 'netns')])
    expect(sent.every(s => s !== undefined), JSON.stringify(tx.rejected)).to.equal(true)
    const ids = sent.map(s => s?.id ?? '')
    // Each node behind NAT mines a block that every node holds.
    const natBlocks = await waitFor(async () => {
      const found: string[] = []
      for (const i of NAT_NODES) {
        for (const m of [...net!.nodes[i].events.mined].reverse()) {
          const held = await Promise.all(net!.nodes.map(async n => (await fetch(`${n.api.base}/block/${m.id}`, { signal: AbortSignal.timeout(2_000) })).status))
          if (held.every(s => s === 200)) { found.push(m.id); break }
        }
      }
      return found.length === NAT_NODES.length ? found : undefined
    }, {
      timeoutMs: blocksTimeoutMs(12, BLOCK_TIME_S), intervalMs: 3_000, what: 'a block mined behind each NAT on every node',
      describe: async () => `mined: ${JSON.stringify(net!.nodes.map(n => n.events.mined.length))}\n${await net!.describe()}`
    })
    await waitFor(async () => (await tx.check(ids)).mined === ids.length ? true : undefined, {
      timeoutMs: 8 * maxBlockTimeS(BLOCK_TIME_S) * 1000, intervalMs: 2_000, what: 'the transfers to be mined on every node',
      describe: async () => `fates: ${JSON.stringify([...(await tx.check(ids)).fates])}\n${await net!.describe()}`
    })
    const end = await net!.waitConverged({ timeoutMs: convergeTimeoutMs(BLOCK_TIME_S) })
    const check = await tx.check(ids)
    expect(check.lost).to.equal(0)
    expect(check.mined).to.equal(ids.length)
    const views = await net!.poll()
    log({ converged: end, natBlocks, mined: net!.nodes.map(n => n.events.mined.length), directGets: views.map(v => v.status?.directGets) })
  })

  it("each node's public endpoint is learnt from its peers and is the one the others know it by", async () => {
    // A node on the bridge is reached at its own address and port. A node behind NAT is reached at
    // its router's address, and at the port the router maps it to: its own port when the router
    // keeps it (the usual case), another when the kernel's NAT picks a new one (a UDP mapping made
    // by two first packets at once is given a fresh port); either way the peers report it and the
    // node takes what they agree on.
    const expected = net!.nodes.map(n => `${net!.layout!.host(n.index).publicHost}:${n.ports.dht}`)
    const matches = (i: number, pub: string | null | undefined): boolean => pub === expected[i] ||
      (NAT_NODES.includes(i) && pub?.startsWith(`${net!.layout!.host(i).publicHost}:`) === true)
    const t0 = Date.now()
    await waitFor(async () => {
      const views = await net!.poll()
      return views.every((v, i) => v.status?.endpoints?.source === 'peers' && matches(i, v.status.endpoints.public)) ? true : undefined
    }, {
      timeoutMs: 60_000, intervalMs: 2_000, what: 'every node to publish the endpoint its peers see',
      describe: async () => (await net!.poll()).map(v => `${v.name}: ${JSON.stringify(v.status?.endpoints)}`).join('\n')
    })
    const learntMs = Date.now() - t0
    // What the others know each node by: the endpoint in its blkTip, as their /peers shows it. Each
    // poll compares with what each node publishes at that moment, so a node that adopts another
    // port meanwhile (more peers report it) is checked by its new one.
    let mismatches: string[] = []
    await waitFor(async () => {
      const views = await net!.poll()
      const published = views.map(v => v.status?.endpoints?.public ?? null)
      mismatches = []
      for (const n of net!.nodes) {
        const r = await fetch(`${n.api.base}/peers`, { signal: AbortSignal.timeout(2_000) })
        const { peers } = await r.json() as { peers: Array<{ key: string, endpoint: string | null }> }
        for (const o of net!.nodes) {
          if (o === n) continue
          const known = peers.find(p => p.key === o.pubkey)?.endpoint ?? null
          if (!matches(o.index, published[o.index]) || known !== published[o.index]) mismatches.push(`${n.name} knows ${o.name} by ${known}, it publishes ${published[o.index]}: ${JSON.stringify(peers.find(p => p.key === o.pubkey))}`)
        }
      }
      return mismatches.length === 0 ? true : undefined
    }, {
      timeoutMs: 60_000, intervalMs: 2_000, what: 'every node to know every other by its public endpoint',
      describe: async () => `${mismatches.join('\n')}\n${(await net!.poll()).map(v => `${v.name}: ${JSON.stringify(v.status?.endpoints)}`).join('\n')}`
    })
    log({ endpointsLearntMs: learntMs, knownByOthersMs: Date.now() - t0 - learntMs })
  })

  it('a partition is a set of nftables drop rules: both sides split, then heal and agree', async () => {
    await net!.partition([[0, 1, 4], [2, 3, 5]])
    const h = net!.layout!.host(0)
    const rules = execFileSync('ip', ['netns', 'exec', h.ns, 'nft', 'list', 'table', 'inet', 'taupart'], { encoding: 'utf8' })
    expect(rules).to.contain(net!.layout!.host(5).publicHost)
    const before = net!.maxHeight()
    await waitFor(async () => {
      const views = await net!.poll()
      const tips = new Set(views.map(v => v.status?.tipId))
      return tips.size >= 2 && net!.maxHeight() > before ? true : undefined
    }, { timeoutMs: blocksTimeoutMs(3, BLOCK_TIME_S), intervalMs: 2_000, what: 'the two sides to diverge', describe: async () => await net!.describe() })
    await net!.heal()
    const end = await net!.waitConverged({ timeoutMs: convergeTimeoutMs(BLOCK_TIME_S) })
    log({ healed: end })
  })
})

describe('testnet --netns: clean-up and refusal', function () {
  this.timeout(2 * 60_000)
  const listNs = (): string[] => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map(l => l.split(' ')[0]).filter(l => l !== '')

  before(function () {
    const missing = netnsMissing()
    if (missing !== undefined) {
      console.log(`      skipped: ${missing.message}`)
      this.skip()
    }
  })

  it('removes the namespaces and root link of a run whose process is gone, and nothing else', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid ?? 0 // a pid that has exited
    const stale = `${NETNS_PREFIX}${dead}-n0`
    const live = `${NETNS_PREFIX}${process.pid}-probe`
    execFileSync('ip', ['netns', 'add', stale])
    execFileSync('ip', ['netns', 'add', live])
    try {
      const removed = cleanupStale()
      expect(removed).to.include(stale)
      expect(listNs()).to.not.include(stale)
      expect(listNs()).to.include(live) // ours: this process is alive
    } finally {
      for (const ns of [stale, live]) spawnSync('ip', ['netns', 'del', ns])
    }
  })

  it('Ctrl-C stops every node and removes every namespace, veth and table of the run', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'testnet.ts'), '--netns', '--nat', '1', '--nodes', '3', '--duration', '300', '--json'], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    const ours = (): string[] => listNs().filter(n => n.startsWith(`${NETNS_PREFIX}${child.pid}-`))
    try {
      await waitFor(() => out.includes('"phase":"healthy"'), { timeoutMs: healthyTimeoutMs(BLOCK_TIME_S), what: 'the netns run to be healthy', describe: () => out.slice(-2000) })
      expect(ours().length).to.equal(1 + 3 + 1)
      child.kill('SIGINT')
      await waitFor(() => child.exitCode !== null, { timeoutMs: 30_000, what: 'the tool to exit' })
      expect(await exited).to.equal(130)
      expect(ours()).to.deep.equal([])
      expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).to.not.contain(`tnh${child.pid}`)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })

  it('without root: a clear NETNS_NOT_ROOT error and exit 1, nothing created', function () {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp', process.execPath, '--import', 'tsx',
      join(REPO_ROOT, 'scripts', 'testnet.ts'), '--netns', '--nodes', '2', '--blocks', '1'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 })
    if (r.error !== undefined) { console.log(`      skipped: no setpriv (${r.error.message})`); this.skip() }
    expect(r.status).to.equal(1)
    expect(r.stderr).to.match(/NETNS_NOT_ROOT: .*must run as root/)
  })
})
