// The UDP floor of the libtorrent bench (scripts/bench/libtorrent/floor.ts): a real ping-pong on
// 127.0.0.1, in this process and with the echo in a child process. Every round trip comes back,
// the CPU counted is positive and includes the child's (a datagram that wakes another process
// costs that process too), and the echo process is gone afterwards.
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { FLOOR_ROUND_TRIPS } from '../../scripts/bench/libtorrent/constants.js'
import { floorCrossProcess, floorInProcess } from '../../scripts/bench/libtorrent/floor.js'
import { waitFor } from '../helpers/wait.js'

/** Pids of this process's children running the echo. */
function echoChildren (): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'floorEcho.mjs'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

describe('bench: Node UDP floor', function () {
  this.timeout(60_000)

  it('in one process: every round trip comes back, with a positive CPU per datagram', async () => {
    const f = await floorInProcess()
    expect(f.datagrams).to.equal(2 * FLOOR_ROUND_TRIPS)
    expect(f.cpuUsPerDatagram).to.be.greaterThan(0).and.lessThan(10_000)
    expect(f.wallUsPerDatagram).to.be.greaterThan(0)
  })

  it('across two processes: the echo\'s CPU is counted, and the echo process exits', async () => {
    const f = await floorCrossProcess()
    expect(f.datagrams).to.equal(2 * FLOOR_ROUND_TRIPS)
    expect(f.cpuUsPerDatagram).to.be.greaterThan(0).and.lessThan(10_000)
    // Half the datagrams are read and answered by the echo: its CPU is in the figure.
    expect(f.echoCpuUs).to.be.greaterThan(0)
    expect(f.cpuUsPerDatagram * f.datagrams).to.be.greaterThan(f.echoCpuUs ?? Infinity)
    await waitFor(() => echoChildren().length === 0, { timeoutMs: 15_000, what: 'the echo process to exit' })
  })
})
