// The miner's first hour, as a new user meets it: a busy DHT or API port is one coded line naming
// the flag to change (no stack, no "node stopped" for a node that never ran), and `start` outside
// the repo finds the embedded devnet genesis. Real node processes on 127.0.0.1, OS-chosen ports.
import { expect } from 'chai'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { loadGenesisFile } from '../../chain/genesis.js'
import { toHex } from '../../chain/hex.js'
import { type NodeProc, logged, startNodeProcess, stopProcess } from '../helpers/cli.js'
import { makeTmpDir, removeDir } from '../helpers/tmp.js'
import { waitFor } from '../helpers/wait.js'

describe('start: errors a new user meets (real processes)', function () {
  this.timeout(90_000)
  let dir: string
  const procs: NodeProc[] = []
  beforeEach(() => { dir = makeTmpDir('tau-start-') })
  afterEach(async () => {
    for (const p of procs.splice(0)) await stopProcess(p)
    removeDir(dir)
  })

  const expectOneLine = async (p: NodeProc, code: string, flag: string): Promise<void> => {
    expect((await p.exit).code).to.equal(1)
    const errors = p.out.filter(l => l.includes(code))
    expect(errors, p.out.join('\n')).to.have.length(1)
    expect(errors[0]).to.contain(flag)
    expect(p.out.join('\n')).not.to.contain('unexpected error')
    expect(p.out.some(l => /^\s+at /.test(l)), 'no stack trace').to.equal(false)
    expect(logged(p, 'node stopped')).to.equal(false)
  }

  it('a busy DHT port is START_DHT_PORT_IN_USE naming --dht-port', async () => {
    const sock = createSocket('udp4')
    await new Promise<void>(resolve => sock.bind(0, '127.0.0.1', resolve))
    try {
      const p = startNodeProcess(['--data-dir', join(dir, 'n'), '--dev-key', '1', '--no-mine', '--dht-port', String(sock.address().port), '--api-port', '0'])
      procs.push(p)
      await expectOneLine(p, 'START_DHT_PORT_IN_USE', '--dht-port')
    } finally {
      sock.close()
    }
  })

  it('a busy API port is START_API_PORT_IN_USE naming --api-port', async () => {
    const srv = createServer()
    await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
    try {
      const port = (srv.address() as { port: number }).port
      const p = startNodeProcess(['--data-dir', join(dir, 'n'), '--dev-key', '1', '--no-mine', '--dht-port', '0', '--api-port', String(port)])
      procs.push(p)
      await expectOneLine(p, 'START_API_PORT_IN_USE', '--api-port')
    } finally {
      srv.close()
    }
  })

  it('starts outside the repo on the embedded devnet genesis', async () => {
    const devnet = loadGenesisFile(join(process.cwd(), 'genesis.json'))
    const p = startNodeProcess(['--data-dir', join(dir, 'n'), '--dev-key', '1', '--no-mine', '--dht-port', '0', '--api-port', '0'], { cwd: dir })
    procs.push(p)
    await waitFor(() => logged(p, 'node starting') || p.child.exitCode !== null, { timeoutMs: 60_000, what: 'node starting', describe: () => p.out.join('\n') })
    expect(p.out.join('\n')).not.to.contain('GENESIS_UNREADABLE')
    expect(p.out.find(l => l.includes('"message":"node starting"'))).to.contain(toHex(devnet.chainId))
  })
})
