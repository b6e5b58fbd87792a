// The answers of a voting round's sampled keys, as they come through the router. The voting
// pipeline subscribes to TIP_BLOCK_FROM_PEER_FOR_VOTING (a sampled key's blkTip, read for the round)
// and GET_HISTORY_BLOCK_FOR_VOTING (a voter's tip or checkpoint block) and hands each signal here;
// the vote check waiting for it (voteAsk.ts) goes on. A signal nobody waits for is dropped: a key
// cannot answer for another, nor a block stand for one that was not asked for.
import { toHex } from '../../chain/hex.js'
import type { Block } from '../../chain/block.js'
import type { SignalOf, TipClaim } from '../signals.js'

export type VoteSignal = SignalOf<'TIP_BLOCK_FROM_PEER_FOR_VOTING' | 'GET_HISTORY_BLOCK_FOR_VOTING'>

export class VoteAnswers {
  /** Waiting checks: a key's tip by "tip:<key hex>", a block by "block:<id hex>" (any fetch of it will do). */
  private readonly waiting = new Map<string, Array<(s: VoteSignal) => void>>()
  /** Signals taken and dropped, for tests and logs. */
  readonly counts = { taken: 0, dropped: 0 }

  take (s: VoteSignal): void {
    const k = s.type === 'TIP_BLOCK_FROM_PEER_FOR_VOTING' ? `tip:${toHex(s.peer)}` : `block:${toHex(s.id)}`
    const ws = this.waiting.get(k)
    if (ws === undefined) { this.counts.dropped++; return }
    this.waiting.delete(k)
    this.counts.taken++
    for (const w of ws) w(s)
  }

  /** Runs `read` (which emits the key's tip signal before it resolves) and resolves with that tip, or undefined. */
  async tipOf (key: Uint8Array, read: () => Promise<unknown>): Promise<TipClaim | undefined> {
    const s = await this.expect(`tip:${toHex(key)}`, read)
    return s?.type === 'TIP_BLOCK_FROM_PEER_FOR_VOTING' ? s.tip : undefined
  }

  /**
   * Runs `fetch` and resolves with the block its answer brought through the router; a block the
   * node held already (the fetcher answers those without a signal) comes back from `fetch` itself.
   */
  async blockOf (id: Uint8Array, fetch: () => Promise<Block | null | undefined>): Promise<Block | undefined> {
    let held: Block | null | undefined
    const s = await this.expect(`block:${toHex(id)}`, async () => { held = await fetch() })
    return s?.type === 'GET_HISTORY_BLOCK_FOR_VOTING' ? s.block : held ?? undefined
  }

  private expect (k: string, request: () => Promise<unknown>): Promise<VoteSignal | undefined> {
    return new Promise(resolve => {
      let done = false
      const w = (s: VoteSignal): void => { if (!done) { done = true; resolve(s) } }
      const ws = this.waiting.get(k)
      if (ws === undefined) this.waiting.set(k, [w]); else ws.push(w)
      const settle = (): void => {
        const rest = this.waiting.get(k)?.filter(x => x !== w)
        if (rest === undefined || rest.length === 0) this.waiting.delete(k); else this.waiting.set(k, rest)
        if (!done) { done = true; resolve(undefined) }
      }
      request().then(settle, settle)
    })
  }
}
