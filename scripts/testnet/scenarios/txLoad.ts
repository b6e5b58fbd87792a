// tx-load: a steady stream of signed transfers through the REST API, from every genesis account to the
// next one, each through the sender's own node. It starts where it appears in the scenario list and
// runs in the background through the later scenarios until the run ends; then the mined ones are counted.
import { CONVERGE_POLL_INTERVAL_MS, maxBlockTimeS } from '../constants.js'
import { AbortedError, TimeoutError, waitFor, sleep } from '../wait.js'
import type { ScenarioContext, ScenarioResult } from './types.js'

export class TxLoad {
  private stopping = false
  private loop?: Promise<void>
  private readonly ids: string[] = []
  private rejectedBefore = 0
  private startedAtMs = 0
  private stoppedAtMs = 0
  private readonly abort = new AbortController()

  constructor (private readonly ctx: ScenarioContext) {}

  start (): void {
    const { net, tx } = this.ctx
    this.startedAtMs = Date.now()
    this.rejectedBefore = tx.rejected.filter(r => r.tag === 'tx-load').length
    const periodMs = 1000 / this.ctx.txRate
    // The load accounts send (each through its home node); node accounts receive.
    const senders = net.accounts.filter(a => a.name.startsWith('load-')).map(a => a.index)
    const receivers = net.nodes.filter(n => n.inGenesis).map(n => n.index)
    this.ctx.report({ scenario: 'tx-load', phase: 'started', ratePerS: this.ctx.txRate, senders: senders.length })
    this.loop = (async () => {
      // Bounded: stops on request, and in any case after a day of sending.
      for (let k = 0; !this.stopping && k < this.ctx.txRate * 86_400; k++) {
        const from = senders[k % senders.length]
        const to = receivers[k % receivers.length]
        // Not awaited beyond the per-sender queue: a slow node must not slow the whole stream.
        void tx.send(from, to, 'tx-load').then(s => { if (s !== undefined) this.ids.push(s.id) })
        const due = this.startedAtMs + (k + 1) * periodMs
        try {
          await sleep(Math.max(0, due - Date.now()), this.abort.signal)
        } catch { return }
      }
    })()
  }

  /** Stops sending and waits for the sends in flight (each bounded by the API timeout). */
  async stop (): Promise<void> {
    this.stopping = true
    this.abort.abort()
    await this.loop
    await this.ctx.tx.drain()
    if (this.stoppedAtMs === 0) this.stoppedAtMs = Date.now()
  }

  /** Stops sending, waits (bounded) until the sent transfers are mined, and reports. */
  async finish (): Promise<ScenarioResult> {
    const { net, tx } = this.ctx
    await this.stop()
    let check = await tx.check(this.ids)
    try {
      check = await waitFor(async () => {
        check = await tx.check(this.ids)
        return check.mined === this.ids.length ? check : undefined
      }, { timeoutMs: 4 * maxBlockTimeS(net.cfg.blockTime) * 1000, intervalMs: CONVERGE_POLL_INTERVAL_MS * 4, what: 'the tx-load transfers to be mined', signal: net.signal })
    } catch (e) {
      if (e instanceof AbortedError || !(e instanceof TimeoutError)) throw e
    }
    const rejected = tx.rejected.filter(r => r.tag === 'tx-load')
    const durationS = (this.stoppedAtMs - this.startedAtMs) / 1000
    return {
      name: 'tx-load',
      ok: check.lost === 0 && check.conflict === 0,
      convergenceMs: null,
      startedAtMs: this.startedAtMs,
      endedAtMs: Date.now(),
      details: {
        sent: this.ids.length + rejected.length - this.rejectedBefore,
        accepted: this.ids.length,
        rejected: rejected.length - this.rejectedBefore,
        mined: check.mined,
        partlyMined: check.partlyMined,
        pool: check.pool,
        replaced: check.replaced,
        dropped: check.dropped,
        lost: check.lost,
        conflict: check.conflict,
        durationS: Math.round(durationS),
        minedPerS: durationS > 0 ? Math.round(100 * check.mined / durationS) / 100 : null,
        rejectedByCode: tx.rejectionCodes('tx-load'),
        throttled: tx.throttled.get('tx-load') ?? 0,
        lostTransfers: tx.sent.filter(s => check.fates.get(s.id) === 'lost').slice(0, 5).map(s => ({ id: s.id, from: s.from, via: s.via, nonce: s.nonce }))
      },
      ...(check.lost > 0 || check.conflict > 0 ? { error: `${check.lost} transfers lost, ${check.conflict} in conflicting blocks` } : {})
    }
  }
}
