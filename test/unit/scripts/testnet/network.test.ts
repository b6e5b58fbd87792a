// The testnet tool's plumbing against a stand-in node (fixtures/fakeNode.mjs) that speaks the node
// contract without a chain: spawning through flags, health and hash-convergence waits, SIGKILL and
// graceful restarts, the partition admin calls, transfers, teardown and Ctrl-C. The real multi-node
// runs are in test/network/testnet.test.ts.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOAD_ACCOUNTS } from '../../../../scripts/testnet/constants.js'
import { Testnet, REPO_ROOT } from '../../../../scripts/testnet/network.js'
import { QuietReporter } from '../../../../scripts/testnet/output.js'
import { runTestnet } from '../../../../scripts/testnet/run.js'
import { buildSummary, formatSummary } from '../../../../scripts/testnet/summary.js'
import { TxSender } from '../../../../scripts/testnet/txSender.js'
import { TimeoutError } from '../../../../scripts/testnet/wait.js'

const FAKE = fileURLToPath(new URL('./fixtures/fakeNode.mjs', import.meta.url))

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

describe('testnet plumbing (stand-in nodes)', function () {
  this.timeout(60_000)
  let net: Testnet | undefined

  afterEach(async () => {
    if (net !== undefined) { await net.stop(2_000); net.removeDir(); net = undefined }
  })

  it('starts nodes through the CLI flags, waits by tip hash, restarts, partitions, sends transfers and stops', async () => {
    net = await Testnet.create({ nodes: 3, blockTime: 10, mutableRange: 6, seed: 'plumbing', nodeScript: FAKE })
    expect(JSON.parse(readFileSync(net.genesisPath, 'utf8')).accounts).to.have.length(3 + LOAD_ACCOUNTS)
    expect(net.accounts.map(a => a.name)).to.deep.equal(['node-0', 'node-1', 'node-2', ...Array.from({ length: LOAD_ACCOUNTS }, (_, j) => `load-${j}`)])
    net.start()
    const pids = net.nodes.map(n => n.proc?.pid ?? -1)
    await net.waitHealthy({ timeoutMs: 20_000 })
    const c1 = await net.waitConverged({ minHeight: 1, timeoutMs: 10_000 })
    expect(c1.tipId).to.match(/^[0-9a-f]{64}$/)

    // SIGKILL: the node is down and agreement is impossible until it is back.
    const exit = await net.killNode(2)
    expect(exit?.signal).to.equal('SIGKILL')
    const views = await net.poll()
    expect(views[2].up).to.equal(false)
    net.startNode(2)
    await net.waitHealthy({ timeoutMs: 20_000 })
    await net.waitConverged({ timeoutMs: 10_000 })
    expect(net.nodes[2].starts).to.equal(2)

    // Graceful stop: SIGTERM, exit code 0, no SIGKILL needed.
    const stop = await net.stopNode(1)
    expect(stop).to.deep.include({ code: 0, forced: false })
    net.startNode(1)
    await net.waitHealthy({ timeoutMs: 20_000 })

    // Partition through the admin endpoint (token from the data dir): the stand-in's tips split…
    await net.partition([[0], [1, 2]])
    let timedOut: Error | undefined
    try { await net.waitConverged({ timeoutMs: 1_500 }) } catch (e) { timedOut = e as Error }
    expect(timedOut).to.be.instanceOf(TimeoutError)
    // …and the failure report names every node's tip and shows its last log lines.
    expect(timedOut?.message).to.match(/node-0: height \d+ tip [0-9a-f]{64}/)
    expect(timedOut?.message).to.contain('| {')
    await net.heal()
    await net.waitConverged({ timeoutMs: 10_000 })

    // Transfers through POST /tx: the node's answer must be the tx id we computed.
    const tx = new TxSender(net)
    const sent = await tx.send(0, 1, 'test')
    expect(sent?.nonce).to.equal(1)
    const second = await tx.send(0, 2, 'test')
    expect(second?.nonce).to.equal(2)
    const check = await tx.check([sent?.id ?? '', second?.id ?? '', 'ab'.repeat(32)])
    expect(check).to.deep.include({ mined: 2, partlyMined: 0, lost: 1 })
    expect(tx.rejected).to.deep.equal([])

    const stops = await net.stop(5_000)
    expect(stops.map(s => s.code)).to.deep.equal([0, 0, 0])
    for (const n of net.nodes) expect(alive(n.proc?.pid ?? -1), n.name).to.equal(false)
    for (const pid of pids) expect(alive(pid)).to.equal(false)
    expect(readFileSync(net.nodes[0].logPath, 'utf8')).to.contain('"voting round"')

    const s = buildSummary({ net, tx, results: [], final: { tipId: c1.tipId, height: c1.height }, ok: true, kept: false, stops })
    expect(s.perNode.map(n => n.starts)).to.deep.equal([1, 2, 2])
    expect(s.votingRounds).to.equal(5)
    expect(s.tx).to.deep.equal({ sent: 2, accepted: 2, rejected: 0, rejectedByCode: {}, mined: null, fates: null })
    expect(s.perNode.every(n => n.peakRssMb > 0 && n.exit === 'code 0')).to.equal(true)
    expect(formatSummary(s)).to.contain('testnet PASSED: 3 nodes')
  })

  it('fails a convergence wait at once when a node dies on its own, naming it', async () => {
    net = await Testnet.create({ nodes: 2, blockTime: 10, mutableRange: 6, nodeScript: FAKE })
    net.start()
    await net.waitHealthy({ timeoutMs: 20_000 })
    // Killed behind the tool's back (as a crash would be): the tool did not ask for it.
    process.kill(net.nodes[1].proc?.pid ?? -1, 'SIGKILL')
    await net.nodes[1].proc?.waitExit(5_000)
    const t0 = Date.now()
    let err: Error | undefined
    try { await net.waitConverged({ timeoutMs: 30_000 }) } catch (e) { err = e as Error }
    expect(err?.message).to.match(/node exited unexpectedly: node-1 \(exit code null, signal SIGKILL\)/)
    expect(err?.message).to.contain('node-1: down')
    expect(Date.now() - t0).to.be.below(5_000)
  })

  it('runs a whole testnet to a block target and removes its dirs', async () => {
    const reporter = new QuietReporter()
    const { summary, interrupted } = await runTestnet({
      nodes: 2, blockTime: 10, mutableRange: 6, blocks: 3, keep: false, scenarios: [], txRate: 1, nodeScript: FAKE
    }, reporter, new AbortController().signal)
    expect(interrupted).to.equal(false)
    expect(summary.ok, summary.error).to.equal(true)
    expect(summary.final.converged).to.equal(true)
    expect(summary.final.height).to.be.at.least(3)
    expect(summary.kept).to.equal(false)
    expect(existsSync(summary.dir)).to.equal(false)
    expect(reporter.events.map(e => e.phase)).to.include.members(['setup', 'started', 'healthy', 'first block', 'converged'])
  })

  it('gives tx-load its least sending time when the height target was passed before it began', async () => {
    const reporter = new QuietReporter()
    const { summary } = await runTestnet({
      nodes: 2, blockTime: 10, mutableRange: 6, blocks: 1, keep: false, scenarios: ['restart', 'tx-load'], txRate: 5, nodeScript: FAKE, txLoadMinMs: 3_000
    }, reporter, new AbortController().signal)
    expect(summary.ok, summary.error).to.equal(true)
    expect(reporter.events.some(e => e.scenario === 'tx-load' && e.phase === 'extended')).to.equal(true)
    const done = reporter.events.find(e => e.scenario === 'tx-load' && e.phase === 'done')
    expect(done?.sent as number).to.be.at.least(10) // 5/s for ≥ 3 s, not the single transfer of before
    expect(summary.tx.sent).to.equal(done?.sent)
  })

  it('tears everything down on Ctrl-C: exit 130, no node left, dirs removed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'testnet.ts'), '--nodes', '2', '--duration', '120', '--json'], {
      cwd: REPO_ROOT, env: { ...process.env, TAU_TESTNET_NODE_SCRIPT: FAKE }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
    try {
      const deadline = Date.now() + 30_000
      while (!out.includes('"phase":"healthy"') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
      expect(out).to.contain('"phase":"healthy"')
      child.kill('SIGINT')
      let timer: NodeJS.Timeout | undefined
      const code = await Promise.race([exited, new Promise(resolve => { timer = setTimeout(() => resolve('timeout'), 20_000) })])
      clearTimeout(timer)
      expect(code).to.equal(130)
      const events = out.trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
      const pids = (events.find(e => e.phase === 'started')?.pids as number[])
      expect(pids).to.have.length(2)
      for (const pid of pids) expect(alive(pid)).to.equal(false)
      const summary = events.find(e => e.type === 'summary')
      expect(summary?.kept).to.equal(false)
      expect(existsSync(String(summary?.dir))).to.equal(false)
      expect((summary?.perNode as Array<{ exit: string }>).map(n => n.exit)).to.deep.equal(['code 0', 'code 0'])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
