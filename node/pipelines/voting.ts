// Voting (PROTOCOL §6): when the chain is empty, the tip is stale, or a better fork falls in the
// voting range, sample up to 16 peers by effective power, read each one's blkTip and tip block,
// and tally their checkpoints. The winner becomes the consensus point; if we do not hold it yet,
// we sync the voters' tips that contain it and apply the vote again.
import { effectivePower } from '../../chain/consensus/pot.js'
import { toHex } from '../../chain/hex.js'
import { cryptoRng } from '../../chain/voting/rng.js'
import { samplePeers } from '../../chain/voting/sample.js'
import { VotingRound, votingRoundDurationS } from '../../chain/voting/tally.js'
import { type Vote, isTipStale, voteFromTipBlock } from '../../chain/voting/vote.js'
import { isChainError } from '../../chain/errors.js'
import type { VoteResult } from '../../chain/chain.js'
import { VOTE_MAX_PEERS } from '../../chain/constants.js'
import { PENALTY_INVALID_DATA } from '../constants.js'
import type { NodeContext, VoteRoundReport } from '../context.js'
import type { SyncPipeline } from './sync.js'

/** How often the stale-tip trigger is checked. */
const STALE_CHECK_MS = 5000
/** A round's sync of the winning branch waits at most this long for it to land. */
const ADOPT_SYNC_WAIT_MS = 30_000

export class VotingPipeline {
  private running = false
  private timer?: NodeJS.Timeout

  constructor (private readonly ctx: NodeContext, private readonly sync: SyncPipeline) {}

  start (): void {
    this.timer = setInterval(() => {
      const tip = this.ctx.chain.tip()
      if (isTipStale(tip.block.t, this.ctx.nowS(), this.ctx.genesis)) void this.run('stale-tip')
    }, STALE_CHECK_MS)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  /** Runs one round unless one is running; resolves with its report (undefined if skipped). */
  async run (reason: VoteRoundReport['reason']): Promise<VoteRoundReport | undefined> {
    if (this.running || this.ctx.signal.aborted) return undefined
    this.running = true
    try {
      return await this.round(reason)
    } finally {
      this.running = false
    }
  }

  private async round (reason: VoteRoundReport['reason']): Promise<VoteRoundReport> {
    const { ctx } = this
    const state = ctx.chain.state
    const candidates = ctx.peers.all()
      .map(p => ({ key: p.key, power: BigInt(state.getAccount(p.key)?.power ?? 0) }))
      .filter(c => effectivePower(c.power) > 0n)
    const sampled = samplePeers(candidates, VOTE_MAX_PEERS, cryptoRng())
    const durationS = votingRoundDurationS(ctx.genesis.config.blockTime)
    const round = new VotingRound({ sampled, clock: ctx.nowS, durationS })
    const startedAt = ctx.nowS()
    const votes: VoteRoundReport['votes'] = []
    const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(durationS * 1000)])
    await Promise.all(sampled.map(async key => {
      const vote = await this.askVote(key, deadline)
      if (vote === null || round.isDone()) return
      round.addVote(key, vote)
      votes.push({ peer: toHex(key), checkpointId: toHex(vote.checkpointId), height: vote.height, tipId: toHex(vote.tipId) })
    }))
    const decision = round.decision()
    let outcome = 'kept own chain (no votes)'
    if (decision.kind === 'adopt') outcome = await this.adopt(decision.checkpointId, votes.filter(v => v.checkpointId === toHex(decision.checkpointId)))
    const report: VoteRoundReport = {
      reason, startedAt, endedAt: ctx.nowS(), sampled: sampled.map(toHex), votes,
      decision: decision.kind === 'adopt'
        ? { kind: 'adopt', checkpointId: toHex(decision.checkpointId), height: decision.height, votes: decision.votes }
        : { kind: 'keep' },
      outcome
    }
    ctx.state.votingRounds++
    ctx.state.lastVote = report
    ctx.log.info('voting round', { reason, sampled: sampled.length, votes: votes.length, decision: report.decision.kind, height: decision.kind === 'adopt' ? decision.height : undefined, outcome })
    ctx.events.emit('vote', report)
    return report
  }

  /** One peer's vote: its blkTip, then the tip block it names; null if it has none or lies. */
  private async askVote (key: Uint8Array, signal: AbortSignal): Promise<Vote | null> {
    const { ctx } = this
    const peer = ctx.peers.get(key)
    let item
    try {
      item = await ctx.channels.read(key, 'blkTip', { endpoint: peer?.endpoint, signal })
    } catch {
      return null
    }
    if (item === null || signal.aborted) return null
    const tip = { id: item.value.h, n: item.value.n, d: item.value.d }
    ctx.router.emit({ type: 'TIP_BLOCK_FROM_PEER_FOR_VOTING', peer: key, tip })
    const block = tip.n === 0 ? ctx.genesis.block : await ctx.fetcher.block(tip.id, 'GET_HISTORY_BLOCK_FOR_VOTING', key)
    if (block === null || signal.aborted) return null
    try {
      return voteFromTipBlock(block, ctx.genesis, tip.id)
    } catch (e) {
      if (!isChainError(e)) throw e
      ctx.peers.penalise(key, PENALTY_INVALID_DATA)
      return null
    }
  }

  /** Applies the winning checkpoint; syncs the voters' branches first when we lack it. */
  private async adopt (checkpointId: Uint8Array, voters: VoteRoundReport['votes']): Promise<string> {
    const { ctx } = this
    let r: VoteResult = await ctx.chain.applyVote(checkpointId)
    if (r.kind === 'unknown') {
      for (const v of voters) {
        const p = ctx.peers.get(v.peer)
        if (p?.tip !== undefined) this.sync.offer(p.key, p.tip)
      }
      const until = Date.now() + ADOPT_SYNC_WAIT_MS
      while (Date.now() < until && !ctx.signal.aborted && !ctx.chain.hasBlock(checkpointId)) {
        await new Promise(resolve => setTimeout(resolve, 200))
      }
      r = await ctx.chain.applyVote(checkpointId)
    }
    return r.kind === 'reorged' ? `switched to the voted branch (depth ${r.depth})` : r.kind === 'kept' ? 'consensus point on our chain' : `not applied (${r.kind})`
  }
}
