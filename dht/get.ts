// Get (PROTOCOL §9): local copy → direct query to the owner's endpoint (when the caller knows it;
// up to DIRECT_GET_TIMEOUT_MS for a *verified* answer) → recursive lookup. One request in flight
// per target (UniqueQueue); every answer verified (verify.ts); a null answer (nothing found in
// time) is reported to onMiss listeners, which the node uses to fill its `demand` item.
// A caller may take the owner's direct answer without a value as final (ownerAnswerFinal): no
// recursive lookup follows for a channel the owner leaves empty.
// A key whose mutable gets keep finding nothing (a publisher that is not running) is asked less
// and less often when the caller knows no endpoint for it; any verified item from it (a get, or a
// put of it stored here) ends that at once.
import { toHex } from '../chain/hex.js'
import { Lru } from '../chain/lru.js'
import * as C from './constants.js'
import type { Endpoint } from './endpoint.js'
import type { DhtEngine } from './engine.js'
import { DhtError, isDhtError } from './errors.js'
import { type RetransmitStats, RttEstimate, sendWithRetransmit } from './retransmit.js'
import { UniqueQueue } from './queue.js'
import type { CancelSignal } from './cancel.js'
import type { HistogramName } from './stats.js'
import { type CheckedSignature, LookupVerifier, verifyImmutable, verifyMutable, verifyStoredBytes, type Checked, type MutableValue } from './verify.js'
import { mutableTarget } from './wire.js'

export type GetPath = 'direct' | 'recursive' | 'local'
export type ItemKind = 'immutable' | 'mutable'

export interface ImmutableItem { value: Uint8Array, path: GetPath }
export interface MutableItem extends MutableValue { path: GetPath }

export interface GetOptions {
  /** The owner's DHT endpoint, if known (a peer's blkTip `e`, a configured peer). */
  endpoint?: Endpoint
  signal?: AbortSignal
  timeoutMs?: number
  /**
   * The caller has just looked in the node's own store (the lookup hook) and not found the item:
   * skip that look (three LevelDB misses per fetched item during a sync).
   */
  storeChecked?: boolean
  /**
   * A mutable get whose owner's endpoint answered without a value ends there (null), with no
   * recursive lookup: the owner serves its own items (PROTOCOL §9), so it has none under this salt.
   * For channels a publisher may leave empty; a direct get that times out still falls back.
   */
  ownerAnswerFinal?: boolean
  /** Called when the owner's answer without a value ended the get (ownerAnswerFinal). */
  onOwnerEmpty?: () => void
  /**
   * Finding nothing here counts toward the key's silence (SILENT_KEY_MISSES): the caller asks for
   * an item a running owner always holds (a blkTip, republished every slot). Not for channels an
   * owner may leave empty: their misses say nothing of whether it runs, and counted they made a
   * running key whose endpoint we lack "silent", so its blkTip went unread for minutes.
   */
  missMeansSilent?: boolean
}

export interface GetterOptions {
  concurrency?: number
  maxQueued?: number
  timeoutMs?: number
  directTimeoutMs?: number
}

export type MissListener = (target: Uint8Array, kind: ItemKind) => void

type Found = ImmutableItem | MutableItem

export class Getter {
  private readonly queue: UniqueQueue<Found | null>
  private readonly directTimeoutMs: number
  private readonly missListeners = new Set<MissListener>()
  /** Per publisher key (hex): mutable gets in a row that found nothing, and when to ask again. */
  private readonly silent = new Lru<string, { misses: number, retryAtMs: number }>(C.MAX_SILENT_KEYS)
  /** Mutable gets answered null at once because their key is silent (no network). */
  skippedSilent = 0
  /** Mutable gets ended by the owner's direct answer without a value (GetOptions.ownerAnswerFinal). */
  ownerEmpty = 0
  /** Round trips of answered direct gets, and what their retransmissions did. */
  readonly rtt = new RttEstimate()
  readonly retransmits: RetransmitStats = { sent: 0, retransmits: 0, answeredByRetransmit: 0 }

  constructor (private readonly engine: DhtEngine, opts: GetterOptions = {}) {
    this.queue = new UniqueQueue({
      concurrency: opts.concurrency ?? C.GET_CONCURRENCY,
      maxQueued: opts.maxQueued ?? C.MAX_QUEUED_GETS,
      timeoutMs: opts.timeoutMs ?? C.GET_TIMEOUT_MS
    })
    this.directTimeoutMs = opts.directTimeoutMs ?? C.DIRECT_GET_TIMEOUT_MS
    engine.stats.gauge('getQueueDepth', () => this.queue.size)
    engine.stats.gauge('getsSkippedSilentKey', () => this.skippedSilent)
    engine.stats.gauge('getsOwnerEmpty', () => this.ownerEmpty)
    engine.stats.gauge('directRetransmits', () => this.retransmits.retransmits)
    engine.stats.gauge('directAnsweredByRetransmit', () => this.retransmits.answeredByRetransmit)
    engine.stats.gauge('directRttMs', () => Math.round(this.rtt.smoothedMs ?? 0))
    engine.onStoredPut(item => { this.silent.delete(toHex(item.k)) })
  }

  /** Calls `fn(target, kind)` for every get that found nothing; returns an unsubscribe function. */
  onMiss (fn: MissListener): () => void {
    this.missListeners.add(fn)
    return () => { this.missListeners.delete(fn) }
  }

  get depth (): number {
    return this.queue.size
  }

  /** An immutable item (block, tx, message) by id: its canonical bytes, or null. */
  async getImmutable (target: Uint8Array, opts: GetOptions = {}): Promise<ImmutableItem | null> {
    return await this.run(target, 'immutable', opts, async signal => {
      const local = this.immutableLocal(target, opts.storeChecked === true)
      if (local !== null) return local
      if (opts.endpoint !== undefined) {
        const r = await this.timed('getDirect', () => this.direct(opts.endpoint!, target, signal))
        const item = this.check(r === null || r.v === undefined ? null : verifyImmutable(r.v, target))
        if (item !== null) return { value: item, path: 'direct' }
      }
      if (signal.aborted) return null
      const res = await this.timed('getRecursive', () => this.engine.recursiveGet(target))
      const item = this.check(res === null ? null : verifyImmutable(res.v, target))
      return item === null ? null : { value: item, path: 'recursive' }
    }) as ImmutableItem | null
  }

  /** The latest mutable item of publisher `k` under `salt`: canonical value bytes, seq and key, or null. */
  async getMutable (k: Uint8Array, salt: Uint8Array, opts: GetOptions = {}): Promise<MutableItem | null> {
    const target = mutableTarget(k, salt)
    const keyHex = toHex(k)
    if (opts.endpoint === undefined && this.isSilent(keyHex)) { this.skippedSilent++; return null }
    const owner = { answered: false }
    const found = await this.getMutableNow(k, salt, target, opts, owner)
    // An owner that answered is running: its empty channel is no sign of silence. A miss counts
    // only where the caller asked for an item a running owner always holds (missMeansSilent).
    const alive = found !== null || owner.answered
    if (opts.signal?.aborted !== true && this.engine.running && (alive || opts.missMeansSilent === true)) this.noteSilence(keyHex, alive)
    return found
  }

  private isSilent (keyHex: string): boolean {
    const s = this.silent.peek(keyHex)
    return s !== undefined && s.misses >= C.SILENT_KEY_MISSES && performance.now() < s.retryAtMs
  }

  private noteSilence (keyHex: string, found: boolean): void {
    if (found) { this.silent.delete(keyHex); return }
    // A miss updates the entry in place: its age is when the key first went silent.
    let s = this.silent.peek(keyHex)
    if (s === undefined) {
      s = { misses: 0, retryAtMs: 0 }
      this.silent.set(keyHex, s)
    }
    s.misses++
    const over = s.misses - C.SILENT_KEY_MISSES
    if (over >= 0) s.retryAtMs = performance.now() + Math.min(C.SILENT_KEY_BACKOFF_MAX_MS, C.SILENT_KEY_BACKOFF_MS * 2 ** Math.min(over, 16))
  }

  private async getMutableNow (k: Uint8Array, salt: Uint8Array, target: Uint8Array, opts: GetOptions, owner: { answered: boolean }): Promise<MutableItem | null> {
    const { stats, verified } = this.engine
    let checks = 0
    const onVerify = (): void => { stats.verifies++; checks++ }
    // An answer equal to the last verified item for this target (an unchanged channel polled
    // again, or a push we stored) is not checked again; a newly verified one replaces it.
    const remember = (c: CheckedSignature): void => { verified.set(target, c) }
    const counted = <T>(item: T | null, before: number): T | null => {
      if (item !== null && checks === before) verified.hits++
      return item
    }
    return await this.run(target, 'mutable', opts, async signal => {
      // Only our own items count as local: a stored copy of someone else's may be stale.
      const own = this.engine.ownItem(target)
      if (own !== undefined) return { value: own.value, seq: own.seq, k: new Uint8Array(own.k), path: 'local' }
      if (opts.endpoint !== undefined) {
        const r = await this.timed('getDirect', () => this.direct(opts.endpoint!, target, signal))
        const before = checks
        const item = counted(this.check(r === null || r.v === undefined ? null : verifyMutable(r, salt, target, onVerify, verified.get(target), remember)), before)
        if (item !== null) return { ...item, path: 'direct' }
        if (opts.ownerAnswerFinal === true && r !== null && r.v === undefined) {
          owner.answered = true
          this.ownerEmpty++
          opts.onOwnerEmpty?.()
          return null
        }
      }
      if (signal.aborted) return null
      const lv = new LookupVerifier(k, salt, onVerify, verified.get(target))
      const before = checks
      const res = await this.timed('getRecursive', () => this.engine.recursiveGet(target, salt, lv.verify))
      const item = counted(this.check(res === null ? null : verifyMutable(res as unknown as Record<string, unknown>, salt, target, onVerify, lv.checked ?? verified.get(target), remember)), before)
      if (item !== null && lv.checked !== undefined) verified.set(target, lv.checked)
      return item === null ? null : { ...item, path: 'recursive' }
    }) as MutableItem | null
  }

  /** A direct get to `ep`, sent again after the learnt retransmission timeout while unanswered. */
  private async direct (ep: Endpoint, target: Uint8Array, signal: CancelSignal): Promise<Record<string, unknown> | null> {
    let first = true
    return await sendWithRetransmit((timeoutMs, s) => {
      const resend = !first
      first = false
      return this.engine.directGet(ep, target, timeoutMs, s, resend)
    }, this.directTimeoutMs, this.rtt, this.retransmits, signal)
  }

  private immutableLocal (target: Uint8Array, storeChecked: boolean): ImmutableItem | null {
    const stored = this.engine.storedValue(target)
    if (stored !== undefined) {
      const item = this.check(verifyImmutable(stored.v, target))
      if (item !== null) return { value: item, path: 'local' }
    }
    if (storeChecked) return null
    const bytes = this.engine.lookupLocal(target)
    if (bytes !== undefined) {
      const item = this.check(verifyStoredBytes(bytes, target))
      if (item !== null) return { value: item, path: 'local' }
    }
    return null
  }

  private async run (target: Uint8Array, kind: ItemKind, opts: GetOptions, task: (signal: CancelSignal) => Promise<Found | null>): Promise<Found | null> {
    if (!this.engine.running) throw new DhtError('DHT_NOT_STARTED', 'engine is not started')
    const before = this.queue.deduped
    const p = this.queue.run(toHex(target), signal => this.job(target, kind, signal, task), { signal: opts.signal, timeoutMs: opts.timeoutMs })
    if (this.queue.deduped > before) this.engine.stats.gets.deduped++
    try {
      return await p
    } catch (e) {
      if (isDhtError(e, 'DHT_QUEUE_FULL')) this.engine.stats.gets.refused++
      if (isDhtError(e, 'DHT_TIMEOUT')) return null // out of time: a miss like any other
      throw e
    }
  }

  /** One network job, shared by all its callers: counted and reported once, whatever the outcome. */
  private async job (target: Uint8Array, kind: ItemKind, signal: CancelSignal, task: (signal: CancelSignal) => Promise<Found | null>): Promise<Found | null> {
    const stats = this.engine.stats
    let counted = false
    const count = (found: Found | null): void => {
      if (counted) return
      counted = true
      if (found !== null) { stats.gets[found.path]++; return }
      stats.gets.failed++
      if (!this.engine.running) return
      for (const fn of this.missListeners) {
        try { fn(target, kind) } catch { stats.traffic.handlerErrors++ }
      }
    }
    signal.addEventListener('abort', () => { if (isDhtError(signal.reason, 'DHT_TIMEOUT')) count(null) }, { once: true })
    let found: Found | null
    try {
      found = await task(signal)
    } catch (e) {
      if (this.engine.running) throw e
      found = null // stopped mid-get: pending gets resolve null (and report no miss)
    }
    if (!signal.aborted) count(found)
    return found
  }

  private check<T> (c: Checked<T> | null): T | null {
    if (c === null) return null
    if (c.ok) return c.item
    this.engine.stats.reject(c.reason)
    return null
  }

  private async timed<T> (name: HistogramName, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now()
    const v = await fn()
    this.engine.stats.observe(name, performance.now() - t0)
    return v
  }
}
