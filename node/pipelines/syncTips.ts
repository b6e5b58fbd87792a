// The sync queue's first stage (issue 14, item 1): peers' claimed tips are only claims. Before a
// tip may order the queue or hold mining back, its block is fetched (a few at once, fairly over
// peers, peers with fewer misses first) and checked (tipCheck.ts). A peer whose tip block cannot
// be had, or is bad, backs off: 2 s × 2^(misses − 1) up to a minute, so eight keys publishing
// tips to missing blocks cost a few fetches a minute, not a sync each.
import type { Block } from '../../chain/block.js'
import { toHex } from '../../chain/hex.js'
import { backoffMs } from '../backoff.js'
import {
  MAX_PEERS, SYNC_MAX_CANDIDATES, SYNC_TIP_MISS_BACKOFF_MAX_MS, SYNC_TIP_MISS_BACKOFF_MS, SYNC_TIP_PROBE_CONCURRENCY
} from '../constants.js'
import type { TipClaim } from '../signals.js'
import type { TipVerdict } from './tipCheck.js'

/** A fetched and checked tip block, ready to be synced to. */
export interface ProbedTip {
  peer: Uint8Array
  tip: TipClaim
  block: Block
  /** Checked (signed for our chain, and the full header when its parent is ours): may hold mining back. */
  hold: boolean
}

export interface TipProbeDeps {
  fetch: (peer: Uint8Array, id: Uint8Array) => Promise<Block | null>
  check: (block: Block, claim: TipClaim) => TipVerdict
  /** Our tip's cumulative difficulty now. */
  ourD: () => bigint
  /** Held already, or known invalid: nothing to sync. */
  known: (id: Uint8Array) => boolean
  /** Being taken another way (the mining pipeline gathers a next block on our tip): not synced now. */
  taken: (id: Uint8Array) => boolean
  missed: (peer: Uint8Array) => void
  bad: (peer: Uint8Array, code: string) => void
  /** A probed tip joined the ready set. */
  ready: () => void
  now: () => number
  signal: AbortSignal
}

interface Claim { peer: Uint8Array, tip: TipClaim }

export class TipProbes {
  /** Latest unprobed claim per peer (hex), in arrival order. */
  private readonly claims = new Map<string, Claim>()
  /** Claims being fetched now, per peer (hex). */
  private readonly probing = new Map<string, Claim>()
  private readonly readySet = new Map<string, ProbedTip>()
  /** Misses in a row per peer and when it may be asked again. */
  private readonly misses = new Map<string, { count: number, untilMs: number }>()
  private timer?: NodeJS.Timeout
  /** Counters for logs and tests. */
  readonly counts = { probes: 0, missed: 0, bad: 0, ready: 0, deferred: 0 }

  constructor (private readonly d: TipProbeDeps) {}

  offer (peer: Uint8Array, tip: TipClaim): void {
    const hex = toHex(peer)
    // A tip already fetched, or being fetched, is not fetched again (peers re-announce it every read).
    const same = (c: Claim | ProbedTip | undefined): boolean => c !== undefined && c.tip.d === tip.d && toHex(c.tip.id) === toHex(tip.id)
    if (same(this.readySet.get(hex)) || same(this.probing.get(hex))) return
    if (!this.claims.has(hex) && this.claims.size >= SYNC_MAX_CANDIDATES && !this.makeRoomFor(hex)) return
    this.claims.delete(hex) // re-inserted last: arrival order is the fairness order
    this.claims.set(hex, { peer, tip })
    this.pump()
  }

  /** Backing off (tests, status). */
  backingOff (peer: Uint8Array): boolean {
    return (this.misses.get(toHex(peer))?.untilMs ?? 0) > this.d.now()
  }

  get pending (): number { return this.claims.size + this.probing.size }

  /** The best ready tip by its block's difficulty (not its claim), taken out of the set. */
  takeBest (): ProbedTip | undefined {
    const ourD = this.d.ourD()
    let best: ProbedTip | undefined
    let bestKey: string | undefined
    for (const [k, t] of this.readySet) {
      // One the mining pipeline is taking is dropped too: if that fails, the peer's next read offers it again.
      if (t.block.d <= ourD || this.d.known(t.tip.id) || this.d.taken(t.tip.id)) { this.readySet.delete(k); continue }
      if (best === undefined || t.block.d > best.block.d) { best = t; bestKey = k }
    }
    if (bestKey !== undefined) this.readySet.delete(bestKey)
    return best
  }

  /** Starts probes up to the concurrency bound: peers with fewer misses first, then arrival order. */
  private pump (): void {
    if (this.d.signal.aborted) return
    const now = this.d.now()
    let wakeAt = Infinity
    while (this.probing.size < SYNC_TIP_PROBE_CONCURRENCY) {
      let pick: string | undefined
      let pickMisses = Infinity
      for (const [hex, c] of this.claims) {
        if (this.probing.has(hex)) continue
        if (c.tip.d <= this.d.ourD() || this.d.known(c.tip.id)) { this.claims.delete(hex); continue }
        const m = this.misses.get(hex)
        if (m !== undefined && m.untilMs > now) { wakeAt = Math.min(wakeAt, m.untilMs); continue }
        const count = m?.count ?? 0
        if (count < pickMisses) { pick = hex; pickMisses = count }
      }
      if (pick === undefined) break
      const claim = this.claims.get(pick)!
      this.claims.delete(pick)
      this.probing.set(pick, claim)
      void this.probe(pick, claim)
    }
    if (wakeAt !== Infinity && this.timer === undefined) {
      // A deferred claim is looked at again when its peer's back-off ends, even if no new read comes.
      this.counts.deferred++
      this.timer = setTimeout(() => { this.timer = undefined; this.pump() }, Math.max(0, wakeAt - now))
      this.timer.unref()
    }
  }

  private async probe (hex: string, c: Claim): Promise<void> {
    this.counts.probes++
    let block: Block | null = null
    try {
      block = await this.d.fetch(c.peer, c.tip.id)
    } catch {
      block = null
    }
    this.probing.delete(hex)
    if (this.d.signal.aborted) return
    if (block === null) {
      this.counts.missed++
      this.miss(hex)
      this.d.missed(c.peer)
    } else {
      let v: TipVerdict
      try {
        v = this.d.check(block, c.tip)
      } catch {
        // A check that could not be made (e.g. the store was mid-commit): try this claim again later,
        // blaming no one. A throw here must never escape: probes run unawaited.
        this.counts.missed++
        this.miss(hex)
        this.pump()
        return
      }
      if (v.kind === 'bad') {
        this.counts.bad++
        this.miss(hex)
        this.d.bad(c.peer, v.code)
      } else {
        this.misses.delete(hex)
        if (block.d > this.d.ourD()) {
          this.readySet.set(hex, { peer: c.peer, tip: c.tip, block, hold: v.kind === 'checked' })
          this.counts.ready++
          this.d.ready()
        }
      }
    }
    this.pump()
  }

  /**
   * A full claim set makes room for a peer with fewer misses by dropping the waiting claim of the
   * peer with the most: keys whose tips keep missing must not fill the set and shut out the rest.
   */
  private makeRoomFor (hex: string): boolean {
    const mine = this.misses.get(hex)?.count ?? 0
    let victim: string | undefined
    let most = mine
    for (const k of this.claims.keys()) {
      const m = this.misses.get(k)?.count ?? 0
      if (m > most) { victim = k; most = m }
    }
    if (victim === undefined) return false
    this.claims.delete(victim)
    return true
  }

  private miss (hex: string): void {
    const count = (this.misses.get(hex)?.count ?? 0) + 1
    if (this.misses.size >= MAX_PEERS && !this.misses.has(hex)) this.misses.clear() // bounded; only restarts back-offs
    this.misses.set(hex, { count, untilMs: this.d.now() + backoffMs(SYNC_TIP_MISS_BACKOFF_MS, count - 1, SYNC_TIP_MISS_BACKOFF_MAX_MS) })
  }

  stop (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }
}
