// Direct gets over a lossy path (issue 21, WAN propagation). A direct get is one UDP query: when
// its request or reply is lost, the caller used to wait the whole DIRECT_GET_TIMEOUT_MS (1 s)
// before it fell back to a recursive lookup. On an 80 ms ± 20 ms, 2 % loss link a block fetch
// loses one of its two datagrams 4 % of the time, so with seven peers a quarter of the blocks had
// one peer waiting that second: it was most of the propagation p95. Here the same query is sent
// again to the same endpoint when no answer came within a retransmission timeout learnt from the
// answers (RFC 6298: smoothed RTT + 4 × its mean deviation, clamped), and the first answer wins.
// Nothing changes on the wire: a retransmission is an ordinary `get` with its own transaction id.
import { Canceller, type CancelSignal } from './cancel.js'
import * as C from './constants.js'

/** Round-trip estimate of the direct queries that were answered (RFC 6298 §2, α = 1/8, β = 1/4). */
export class RttEstimate {
  private srtt?: number
  private rttvar = 0
  samples = 0

  sample (ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return
    this.samples++
    if (this.srtt === undefined) {
      this.srtt = ms
      this.rttvar = ms / 2
      return
    }
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms)
    this.srtt = 0.875 * this.srtt + 0.125 * ms
  }

  /** When to send the query again: SRTT + 4·RTTVAR within [MIN, MAX]; MAX until the first answer. */
  retransmitAfterMs (): number {
    if (this.srtt === undefined) return C.DIRECT_RETRANSMIT_MAX_MS
    return Math.min(C.DIRECT_RETRANSMIT_MAX_MS, Math.max(C.DIRECT_RETRANSMIT_MIN_MS, this.srtt + 4 * this.rttvar))
  }

  get smoothedMs (): number | undefined { return this.srtt }
}

/** One query to the endpoint: its answer, or null (timeout, error reply, abort, stop). */
export type SendOnce<T> = (timeoutMs: number, signal: CancelSignal) => Promise<T | null>

export interface RetransmitStats { sent: number, retransmits: number, answeredByRetransmit: number }

/**
 * Sends `send` at once, and again (at most C.DIRECT_MAX_SENDS in all) each time the current
 * retransmission timeout passes without an answer; the first non-null answer wins and the other
 * sends are cancelled. Null once every send has failed or `timeoutMs` (the whole attempt) ran out.
 * Every answered send's own round trip feeds `rtt`, so there is no retransmission ambiguity.
 */
export async function sendWithRetransmit<T> (send: SendOnce<T>, timeoutMs: number, rtt: RttEstimate, stats: RetransmitStats, signal?: CancelSignal): Promise<T | null> {
  if (signal?.aborted === true) return null
  // A Canceller, not an AbortController: one per direct get (cancel.ts).
  const ac = new Canceller()
  const onAbort = (): void => { ac.abort() }
  signal?.addEventListener('abort', onAbort, { once: true })
  const t0 = performance.now()
  let timer: NodeJS.Timeout | undefined
  /** Sends not yet settled: only those need cancelling at the end. */
  let inFlight = 0
  try {
    return await new Promise<T | null>(resolve => {
      let sends = 0
      let done = false
      /** A send came back empty before the deadline (an error reply, or an abort): the peer
       *  answered or we stop, so a retransmission would not help. */
      let settledEmpty = false
      const finish = (v: T | null): void => {
        if (done) return
        done = true
        if (timer !== undefined) clearTimeout(timer)
        resolve(v)
      }
      const fire = (): void => {
        timer = undefined
        const left = timeoutMs - (performance.now() - t0)
        if (done || settledEmpty || ac.signal.aborted || left <= 0 || sends >= C.DIRECT_MAX_SENDS) {
          if (inFlight === 0) finish(null)
          return
        }
        const nth = sends++
        inFlight++
        stats.sent++
        if (nth > 0) stats.retransmits++
        const sentAt = performance.now()
        send(left, ac.signal).then(v => v, () => null).then(v => {
          inFlight--
          if (v !== null) {
            rtt.sample(performance.now() - sentAt)
            if (nth > 0 && !done) stats.answeredByRetransmit++
            finish(v)
            return
          }
          settledEmpty = true
          if (inFlight === 0) finish(null)
        })
        if (sends < C.DIRECT_MAX_SENDS) timer = setTimeout(fire, Math.min(rtt.retransmitAfterMs(), Math.max(0, left)))
      }
      fire()
    })
  } finally {
    // Cancels the sends that lost the race. Most direct gets are answered by their one send, with
    // nothing left to cancel: an abort() then only built a DOMException and ran the listeners
    // (4 % of a syncing node's main thread, one per fetched item).
    if (inFlight > 0) ac.abort()
    signal?.removeEventListener('abort', onAbort)
  }
}
