// Voting (PROTOCOL §6, version 2). A round runs when the chain is empty at start, when the tip is older
// than 3M·T seconds, and when a better fork falls in the voting range. It samples up to 16 keys in
// proportion to their power in the state of our main-chain block at cp(tip.n), asks each for its vote
// (voteAsk.ts), and tallies by weight: an empty chain takes the heaviest checkpoint, any other node needs
// more than half of the sampled weight S. A decided checkpoint we do not hold is fetched from its voters
// whatever their claimed difficulty, within 3M·T seconds; if it cannot be had the decision is void and
// its voters are penalised. The chain applies the range rules (chain/chain/consensusPoint.ts).
import { setMaxListeners } from 'node:events'
import { blockId } from '../../chain/block.js'
import { checkpointHeight } from '../../chain/consensus/pot.js'
import { bytesEqual, fromHex, toHex } from '../../chain/hex.js'
import type { VoteResult } from '../../chain/chain.js'
import { type Rng, cryptoRng } from '../../chain/voting/rng.js'
import { type WeightedKey, samplePeers } from '../../chain/voting/sample.js'
import { VotingRound, type VoteDecision, votingRoundDurationS } from '../../chain/voting/tally.js'
import { isTipStale } from '../../chain/voting/vote.js'
import { VOTE_MAX_PEERS } from '../../chain/constants.js'
import { MAX_ABORT_LISTENERS, PENALTY_INVALID_DATA, VOTE_REPORTS_KEPT, VOTE_STALE_CHECK_MS } from '../constants.js'
import type { NodeContext, VoteEntry, VoteRoundReport } from '../context.js'
import type { Pipeline, Stop } from './pipeline.js'
import type { TipClaim } from '../signals.js'
import { type VoteAskDeps, askVote } from './voteAsk.js'
import { VoteAnswers } from './voteAnswers.js'

/** What voting needs of sync: a peer's branch fetched and imported whatever its claimed difficulty. */
export interface BranchFetch {
  fetchBranchFor: (peer: Uint8Array, tip: TipClaim, signal: AbortSignal) => Promise<unknown>
}

type Outcome = VoteRoundReport['outcome']

/** What voting needs of the channel readers: a key's blkTip read now, its answer a TIP_BLOCK_FROM_PEER_FOR_VOTING signal. */
export interface VoteTipReader {
  readTipForVote: (key: Uint8Array, signal: AbortSignal) => Promise<boolean>
}

export class VotingPipeline implements Pipeline {
  private running = false
  private timer?: NodeJS.Timeout
  /** The round's answers as the router brings them (voteAnswers.ts). */
  readonly answers = new VoteAnswers()
  private readonly ask: VoteAskDeps

  constructor (private readonly ctx: NodeContext, private readonly sync: BranchFetch, tips: VoteTipReader, private readonly rng: Rng = cryptoRng()) {
    this.ask = { readTip: (key, signal) => tips.readTipForVote(key, signal), answers: this.answers }
  }

  start (): Stop {
    const sub = this.ctx.router.on('voting', 'TIP_BLOCK_FROM_PEER_FOR_VOTING', 'GET_HISTORY_BLOCK_FOR_VOTING').subscribe(s => { this.answers.take(s) })
    this.timer = setInterval(() => {
      const tip = this.ctx.chain.tip()
      const { mutableRange, blockTime } = this.ctx.genesis.config
      // While the tip stays stale (a halted network), one round per M·T seconds, not one per check.
      const last = [...this.ctx.state.voteRounds].reverse().find(r => r.reason === 'stale-tip')
      if (last !== undefined && this.ctx.nowS() - last.endedAt < mutableRange * blockTime) return
      if (isTipStale(tip.block.t, this.ctx.nowS(), this.ctx.genesis)) void this.run('stale-tip')
    }, VOTE_STALE_CHECK_MS)
    this.timer.unref()
    return () => { clearInterval(this.timer); sub.unsubscribe() }
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

  /** Keys and their power in the state of our main-chain block at cp(tip.n) (genesis for a new node). */
  private weights (): { keys: WeightedKey[], state: VoteRoundReport['weightState'] } {
    const { chain, genesis, peers } = this.ctx
    const h = checkpointHeight(chain.tip().n, genesis.config.mutableRange)
    const block = chain.getBlockAt(h) ?? genesis.block
    const id = blockId(block)
    const state = chain.stateAt(id)
    const keys: WeightedKey[] = []
    // Every key we know that may hold power: genesis accounts, miners, transaction parties, contacts;
    // never our own (protocol-notes §4: our tip would vote for our chain, the thing being checked).
    const own = toHex(this.ctx.key.publicKey)
    const known = [...genesis.config.accounts.map(a => a.pubkey), ...peers.all().map(p => p.key)].filter(k => toHex(k) !== own)
    for (const key of known) keys.push({ key, weight: BigInt(state?.getAccount(key)?.power ?? 0) })
    return { keys, state: { height: block.n, id: toHex(id) } }
  }

  private async round (reason: VoteRoundReport['reason']): Promise<VoteRoundReport> {
    const { ctx } = this
    // A new node (started on an empty chain, no round decided yet) votes by the empty-chain rules.
    const emptyChain = ctx.chain.tip().n === 0 || ctx.chain.isNewNode()
    const { keys, state } = await ctx.chain.atRest(() => this.weights())
    const sampled = samplePeers(keys, VOTE_MAX_PEERS, this.rng)
    const durationS = votingRoundDurationS(ctx.genesis.config.blockTime)
    const round = new VotingRound({ sampled, clock: ctx.nowS, durationS })
    const startedAt = ctx.nowS()
    const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(durationS * 1000)])
    // Every sampled key's reads and fetches listen on it (several each): not a leak.
    setMaxListeners(MAX_ABORT_LISTENERS, deadline)
    const tips = new Map<string, TipClaim>()
    const entries: VoteEntry[] = await Promise.all(sampled.map(async ({ key, weight }) => {
      const a = await askVote(ctx, this.ask, key, deadline)
      const base = { key: toHex(key), weight: weight.toString() }
      if (!a.ok) return { ...base, valid: false, code: a.code, reason: a.reason }
      if (round.isDone()) return { ...base, valid: false, code: 'VOTE_ROUND_CLOSED', reason: 'answered after the round ended' }
      round.addVote(key, a.vote)
      tips.set(base.key, a.tip)
      return { ...base, valid: true, checkpointId: toHex(a.vote.checkpointId), height: a.vote.height, tipId: toHex(a.vote.tipId) }
    }))
    const decision = round.decision(emptyChain)
    const outcome = decision.kind === 'adopt'
      ? await this.adopt(decision.checkpointId, emptyChain, entries, tips)
      : { kind: 'none' as const, message: 'kept own chain' }
    if (outcome.kind === 'kept' || outcome.kind === 'moved' || outcome.kind === 'switched') ctx.chain.settleNewNode()
    const report = this.report(reason, startedAt, state, sampled, round.totalWeight, entries, decision, outcome)
    this.keep(report)
    const log = {
      round: report.round, reason, sampled: sampled.length, votes: entries.filter(e => e.valid).length, S: report.totalWeight, decision: decision.kind, why: decision.why,
      ...(decision.kind === 'adopt' ? { checkpoint: toHex(decision.checkpointId), height: decision.height } : {}), outcome: outcome.kind
    }
    if (outcome.kind === 'refused' || outcome.kind === 'void') ctx.log.warn(`voting round: ${outcome.message}`, log)
    else ctx.log.info('voting round', log)
    ctx.events.emit('vote', report)
    return report
  }

  /** Applies the decided checkpoint; fetches its voters' chains first when we do not hold it. */
  private async adopt (pointId: Uint8Array, emptyChain: boolean, entries: VoteEntry[], tips: Map<string, TipClaim>): Promise<Outcome> {
    const { ctx } = this
    const mode = emptyChain ? 'vote-empty' : 'vote'
    const cpBefore = ctx.chain.consensusPoint()
    let r: VoteResult = await ctx.chain.applyVote(pointId, mode)
    const voters = entries.filter(e => e.valid && e.checkpointId === toHex(pointId))
    if (r.kind === 'unknown') {
      const { mutableRange, blockTime } = ctx.genesis.config
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(3 * mutableRange * blockTime * 1000)])
      const pending = (): boolean => ctx.chain.pendingPoints().some(p => bytesEqual(p.id, pointId))
      for (const v of voters) {
        if (signal.aborted || ctx.chain.hasBlock(pointId) || !pending()) break
        const tip = tips.get(v.key)
        if (tip !== undefined) await this.sync.fetchBranchFor(fromHex(v.key), tip, signal)
      }
      if (ctx.chain.hasBlock(pointId)) r = await ctx.chain.applyVote(pointId, mode)
      else {
        // The branch arrived but a range rule refused it (the chain forgot the point and warned): its
        // voters told the truth about their chain, so this is a refusal, not a void decision.
        const warning = ctx.chain.status().warnings.find(w => w.reason.startsWith('vote-') && bytesEqual(w.candidateId, pointId))
        if (warning !== undefined && !pending()) r = { kind: 'refused', warning }
      }
    }
    const at = `checkpoint ${toHex(pointId)}`
    switch (r.kind) {
      case 'kept': return bytesEqual(r.consensusPoint.id, pointId) && !bytesEqual(cpBefore.id, pointId)
        ? { kind: 'moved', message: `${at} is the consensus point now (height ${r.consensusPoint.n})` }
        : { kind: 'kept', message: `${at} is on our chain at or below the consensus point` }
      case 'reorged': return { kind: 'switched', message: `switched to the voted branch (depth ${r.depth}); ${at} is the consensus point` }
      case 'refused': return { kind: 'refused', message: r.warning.message }
      case 'unknown': {
        await ctx.chain.forgetPendingPoint(pointId)
        for (const v of voters) ctx.peers.penalise(fromHex(v.key), PENALTY_INVALID_DATA)
        return { kind: 'void', message: `${at} could not be fetched and validated within 3M·T seconds: decision void, its ${voters.length} voter(s) penalised` }
      }
    }
  }

  private report (reason: VoteRoundReport['reason'], startedAt: number, weightState: VoteRoundReport['weightState'], sampled: WeightedKey[],
    totalWeight: bigint, votes: VoteEntry[], d: VoteDecision, outcome: Outcome): VoteRoundReport {
    return {
      round: this.ctx.state.votingRounds + 1,
      reason,
      startedAt,
      endedAt: this.ctx.nowS(),
      weightState,
      sampled: sampled.map(s => ({ key: toHex(s.key), weight: s.weight.toString() })),
      totalWeight: totalWeight.toString(),
      votes,
      tally: d.tally.map(t => ({ checkpointId: toHex(t.checkpointId), height: t.height, weight: t.weight.toString(), voters: t.voters })),
      decision: d.kind === 'adopt'
        ? { kind: 'adopt', rule: d.rule, why: d.why, checkpointId: toHex(d.checkpointId), height: d.height, weight: d.weight.toString() }
        : { kind: 'keep', rule: d.rule, why: d.why },
      outcome
    }
  }

  private keep (report: VoteRoundReport): void {
    const { state } = this.ctx
    state.votingRounds++
    state.voteRounds.push(report)
    if (state.voteRounds.length > VOTE_REPORTS_KEPT) state.voteRounds.shift()
  }
}
