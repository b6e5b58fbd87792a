// A unique work queue: one job per key, shared by every caller that asks for the same key while
// it is queued or running; bounded concurrency; a bounded wait list (full → DHT_QUEUE_FULL, the
// caller decides whether to retry: dropping at the door beats unbounded memory); a per-job
// timeout; and per-caller abort. A job whose callers have all left is cancelled. A job's task gets a
// CancelSignal (cancel.ts), not an AbortSignal: one per get, and an EventTarget each was measurable.
import { Canceller, type CancelSignal } from './cancel.js'
import { DhtError } from './errors.js'

export interface QueueOptions {
  concurrency: number
  maxQueued: number
  timeoutMs: number
}

export interface RunOptions {
  signal?: AbortSignal
  /** Applies when this call creates the job; callers that join share the first one's deadline. */
  timeoutMs?: number
}

interface Waiter { resolve: (v: never) => void, reject: (e: unknown) => void, detach: () => void }

interface Job<T> {
  key: string
  task: (signal: CancelSignal) => Promise<T>
  waiters: Set<Waiter>
  controller: Canceller
  timeoutMs: number
  timer?: NodeJS.Timeout
  running: boolean
  done: boolean
}

export class UniqueQueue<T> {
  private readonly jobs = new Map<string, Job<T>>()
  private readonly waiting: Array<Job<T>> = []
  private active = 0
  /** Callers that joined an existing job instead of starting one. */
  deduped = 0

  constructor (private readonly opts: QueueOptions) {}

  get running (): number { return this.active }
  get queued (): number { return this.waiting.length }
  get size (): number { return this.active + this.waiting.length }

  run (key: string, task: (signal: CancelSignal) => Promise<T>, opts: RunOptions = {}): Promise<T> {
    if (opts.signal?.aborted === true) return Promise.reject(new DhtError('DHT_ABORTED', 'aborted before start'))
    let job = this.jobs.get(key)
    if (job !== undefined) {
      this.deduped++
    } else {
      if (this.active >= this.opts.concurrency && this.waiting.length >= this.opts.maxQueued) {
        return Promise.reject(new DhtError('DHT_QUEUE_FULL', `${this.waiting.length} jobs already waiting`))
      }
      job = { key, task, waiters: new Set(), controller: new Canceller(), timeoutMs: opts.timeoutMs ?? this.opts.timeoutMs, running: false, done: false }
      this.jobs.set(key, job)
      if (this.active < this.opts.concurrency) this.start(job)
      else this.waiting.push(job)
    }
    return this.attach(job, opts.signal)
  }

  private attach (job: Job<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        job.waiters.delete(waiter)
        waiter.detach()
        reject(new DhtError('DHT_ABORTED', 'aborted by the caller'))
        if (job.waiters.size === 0) this.cancel(job)
      }
      const waiter: Waiter = {
        resolve: resolve as (v: never) => void,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort)
      }
      job.waiters.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  private start (job: Job<T>): void {
    job.running = true
    this.active++
    job.timer = setTimeout(() => this.finish(job, false, new DhtError('DHT_TIMEOUT', `no result in ${job.timeoutMs} ms`)), job.timeoutMs)
    let p: Promise<T>
    try {
      p = job.task(job.controller.signal)
    } catch (e) {
      p = Promise.reject(e)
    }
    p.then(v => this.finish(job, true, v), e => this.finish(job, false, e))
  }

  /** Nobody is waiting any more: drop it from the wait list, or abort it and free its slot. */
  private cancel (job: Job<T>): void {
    if (!job.running) {
      const i = this.waiting.indexOf(job)
      if (i >= 0) this.waiting.splice(i, 1)
      job.done = true
      this.jobs.delete(job.key)
      return
    }
    this.finish(job, false, new DhtError('DHT_ABORTED', 'all callers left'))
  }

  private finish (job: Job<T>, ok: boolean, value: unknown): void {
    if (job.done) return
    job.done = true
    clearTimeout(job.timer)
    // A failed job (timeout, all callers gone) aborts its task with the reason, so the task can
    // stop network work nobody waits for any more.
    if (!ok) job.controller.abort(value)
    this.jobs.delete(job.key)
    this.active--
    for (const w of job.waiters) {
      w.detach()
      if (ok) w.resolve(value as never)
      else w.reject(value)
    }
    job.waiters.clear()
    while (this.active < this.opts.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()
      if (next !== undefined && !next.done) this.start(next)
    }
  }
}
