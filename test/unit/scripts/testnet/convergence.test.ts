import { expect } from 'chai'
import type { NodeStatus } from '../../../../scripts/testnet/api.js'
import { parseStatus } from '../../../../scripts/testnet/api.js'
import { type NodeView, describeView, judgeConvergence } from '../../../../scripts/testnet/convergence.js'

const tip = (c: string): string => c.repeat(64)
const status = (height: number, tipId: string): NodeStatus => ({
  chainId: '00', genesisId: '00', height, tipId, cumulativeDifficulty: '1', consensusPoint: null, syncing: false,
  mining: { enabled: true, nextEligibleTime: null }, peers: 3, poolSize: 0, minedBlocks: 0, reorgs: 0, warnings: [],
  version: 'x', publicKey: tip('1'), dht: { host: '127.0.0.1', port: 1 }
})
const up = (name: string, height: number, t: string): NodeView => ({ name, up: true, status: status(height, tip(t)) })

describe('testnet convergence judgement', () => {
  it('converges only when every node reports the same tip hash', () => {
    const j = judgeConvergence([up('a', 5, 'a'), up('b', 5, 'a'), up('c', 5, 'a')])
    expect(j).to.deep.include({ converged: true, tipId: tip('a'), height: 5 })
  })

  it('judges by hash, not height: same height on different tips is not agreement', () => {
    const j = judgeConvergence([up('a', 5, 'a'), up('b', 5, 'b'), up('c', 5, 'a')])
    expect(j.converged).to.equal(false)
    expect(j.reason).to.equal('2 different tips')
    expect(j.groups.map(g => g.nodes)).to.deep.equal([['a', 'c'], ['b']])
  })

  it('a silent or down node blocks agreement', () => {
    const down: NodeView = { name: 'd', up: false, error: 'exited' }
    const silent: NodeView = { name: 's', up: true, error: 'timeout' }
    expect(judgeConvergence([up('a', 5, 'a'), down]).reason).to.contain('d')
    const j = judgeConvergence([up('a', 5, 'a'), silent])
    expect(j.converged).to.equal(false)
    expect(j.silent).to.deep.equal(['s'])
  })

  it('respects a minimum height, and an empty list never converges', () => {
    expect(judgeConvergence([up('a', 4, 'a'), up('b', 4, 'a')], 5)).to.deep.include({ converged: false, reason: 'height 4 < 5' })
    expect(judgeConvergence([up('a', 5, 'a'), up('b', 5, 'a')], 5).converged).to.equal(true)
    expect(judgeConvergence([]).converged).to.equal(false)
  })

  it('describes every node for failure reports', () => {
    expect(describeView(up('a', 5, 'a'))).to.equal(`a: height 5 tip ${tip('a')} peers 3 syncing false`)
    expect(describeView({ name: 'd', up: false, error: 'exited code=1' })).to.equal('d: down (exited code=1)')
  })

  it('rejects a status that breaks the contract', () => {
    expect(parseStatus(status(1, tip('a'))).height).to.equal(1)
    expect(() => parseStatus({ ...status(1, tip('a')), tipId: 'short' })).to.throw(/tipId/)
    expect(() => parseStatus({ ...status(1, tip('a')), height: '1' })).to.throw(/height/)
    expect(() => parseStatus(null)).to.throw()
  })
})
