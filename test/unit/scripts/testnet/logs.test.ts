import { expect } from 'chai'
import { NodeEvents, parseLogLine } from '../../../../scripts/testnet/logEvents.js'
import { parseProcStat, parseStatusKb, sampleProcess } from '../../../../scripts/testnet/resources.js'
import { txFate } from '../../../../scripts/testnet/txSender.js'

const line = (o: Record<string, unknown>): string => JSON.stringify({ level: 'info', timestamp: '2030-01-01T00:00:10.000Z', ...o })

describe('testnet log events, /proc figures and transaction fates', () => {
  it('parses the node log lines the summary counts', () => {
    const e = new NodeEvents()
    for (const l of [
      line({ message: 'mined block', height: 3, id: 'ab', module: 'mining' }),
      line({ message: 'imported block', height: 4, id: 'cd' }),
      line({ message: 'reorg', depth: 2 }),
      line({ message: 'voting round', votes: 3 }),
      line({ message: 'peer penalised', level: 'warn' }),
      line({ message: 'something else' }),
      'plain text crash trace',
      '{ not json',
      line({ message: 'mined block', id: 'no-height' })
    ]) {
      const ev = parseLogLine(l, 0)
      if (ev !== undefined) e.add(ev)
    }
    expect(e.mined).to.deep.equal([{ id: 'ab', height: 3, timeMs: Date.parse('2030-01-01T00:00:10.000Z'), parent: undefined }])
    expect(e.importedCount).to.equal(1)
    expect(e.imported.get('cd')).to.equal(1)
    expect(e.reorgs.map(r => r.depth)).to.deep.equal([2])
    expect(e.votes).to.equal(1)
    expect(e.voteLog).to.deep.equal([{ timeMs: Date.parse('2030-01-01T00:00:10.000Z'), votes: 3, decision: undefined, reason: undefined }])
    expect(e.warnings).to.equal(1)
  })

  it('uses the arrival time when a line has no timestamp', () => {
    const ev = parseLogLine(JSON.stringify({ message: 'reorg', depth: 1 }), 1234)
    expect(ev).to.deep.equal({ kind: 'reorg', e: { depth: 1, timeMs: 1234 } })
  })

  it('reads CPU ticks from /proc/<pid>/stat even with spaces in the command name', () => {
    const text = '4242 (tau node (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 11 0 12345 1000000 5000'
    expect(parseProcStat(text)).to.deep.equal({ utimeTicks: 250, stimeTicks: 75 })
    expect(parseProcStat('garbage')).to.equal(undefined)
    expect(parseStatusKb('Name:\tnode\nVmHWM:\t  81234 kB\nVmRSS:\t  70000 kB\n', 'VmRSS')).to.equal(70000)
    expect(parseStatusKb('Name:\tnode\n', 'VmRSS')).to.equal(undefined)
  })

  it('samples this very process on Linux', function () {
    if (process.platform !== 'linux') this.skip()
    const s = sampleProcess(process.pid)
    expect(s).to.not.equal(undefined)
    expect(s?.rssKb).to.be.greaterThan(1000)
    expect(s?.cpuS).to.be.greaterThan(0)
    expect(sampleProcess(2 ** 30)).to.equal(undefined)
  })

  it('classifies a transaction from every node\'s answer', () => {
    const mined = (b: string) => ({ id: 'x', status: 'mined' as const, blockId: b, height: 1 })
    const pool = { id: 'x', status: 'pool' as const }
    expect(txFate([mined('b'), mined('b')])).to.equal('mined')
    expect(txFate([mined('b'), pool])).to.equal('partly-mined')
    expect(txFate([mined('b'), undefined])).to.equal('partly-mined')
    expect(txFate([mined('b'), mined('c')])).to.equal('conflict')
    expect(txFate([pool, undefined])).to.equal('pool')
    expect(txFate([undefined, undefined])).to.equal('lost')
    // The node's own shape: block {id, height}; block null = stored, but not on its main chain.
    const onMain = (b: string) => ({ id: 'x', status: 'mined' as const, block: { id: b, height: 3 } })
    const orphaned = { id: 'x', status: 'mined' as const, block: null }
    expect(txFate([onMain('b'), onMain('b')])).to.equal('mined')
    expect(txFate([onMain('b'), onMain('c')])).to.equal('conflict')
    expect(txFate([onMain('b'), orphaned])).to.equal('partly-mined')
    expect(txFate([orphaned, pool])).to.equal('pool')
    expect(txFate([orphaned, orphaned])).to.equal('lost')
    // Without any block id (the bare contract) agreement on "mined" is all that can be checked.
    expect(txFate([{ id: 'x', status: 'mined' }, { id: 'x', status: 'mined' }])).to.equal('mined')
  })
})
