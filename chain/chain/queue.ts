// A serial job queue: imports and votes run one at a time, in arrival order, so no two of them
// ever interleave around the store's async batch write. Bounded: past the limit new jobs are
// refused (CHAIN_QUEUE_FULL) instead of growing memory without end; closing rejects new jobs
// and lets the running ones finish.
import { ChainError } from '../errors.js'
import { MAX_IMPORT_QUEUE_JOBS } from './constants.js'

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private waiting = 0
  private closed = false

  constructor (readonly maxJobs = MAX_IMPORT_QUEUE_JOBS) {}

  get length (): number { return this.waiting }

  run<T> (job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ChainError('CHAIN_CLOSED', 'the chain is closed'))
    if (this.waiting >= this.maxJobs) {
      return Promise.reject(new ChainError('CHAIN_QUEUE_FULL', `${this.waiting} imports queued, the limit is ${this.maxJobs}`))
    }
    this.waiting++
    const result = this.tail.then(job).finally(() => { this.waiting-- })
    this.tail = result.catch(() => {}) // one failed job must not stop the ones behind it
    return result
  }

  /** Refuses new jobs and resolves once the queued ones are done. */
  async close (): Promise<void> {
    this.closed = true
    await this.tail
  }
}
