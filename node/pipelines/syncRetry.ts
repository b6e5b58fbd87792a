// When a sync asks its peer again for an item whose get came back empty (a block of the walk, or a
// transaction of the branch). A get can come back empty because the peer lacks the item, or because
// its answer was late or lost (a busy peer, a loaded machine: each get has GET_TIMEOUT_MS). A walk
// used to end at the first empty answer, and the next walk waited for a new tip probe and walked
// the branch again (1–9 ends per 2,000-block bench sync, 7–40 s each). An item is asked again only
// when the peer evidently serves this branch: another of the walk's items arrived since the item
// was first asked. A peer lacking the branch fails every get, is never asked again, and the walk
// ends as soon as before (a walk holds the one-walk slot that a voting round's branch fetch waits on).

/** How many times an item is asked for, and how many extra asks one walk may spend. */
export interface RetryLimits {
  /** Tries per item (1: never asked again). */
  attempts: number
  /** Extra tries over the whole walk (shared by its blocks and transactions). */
  budget: number
}

export class WalkRetries {
  /** Items of this walk that arrived. */
  delivered = 0
  /** Extra tries spent. */
  retries = 0

  constructor (private readonly limits: RetryLimits = { attempts: 1, budget: 0 }) {}

  /**
   * Whether an item whose `tries`-th get came back empty is asked again; `deliveredAtFirst` is
   * `delivered` when it was first asked. Spends one try of the budget when it says yes.
   */
  again (tries: number, deliveredAtFirst: number): boolean {
    if (this.delivered <= deliveredAtFirst || tries >= this.limits.attempts || this.retries >= this.limits.budget) return false
    this.retries++
    return true
  }

  /** `get` tried until it answers, while again() allows; null when it does not. */
  async fetch<T> (get: () => Promise<T | null>, stop: () => boolean): Promise<T | null> {
    const first = this.delivered
    for (let tries = 1; ; tries++) {
      const v = await get().catch(() => null)
      if (v !== null) { this.delivered++; return v }
      if (stop() || !this.again(tries, first)) return null
    }
  }
}
