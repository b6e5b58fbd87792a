// Promises that settle when the engine stops. bittorrent-dht never calls a get/put callback
// again after destroy(), and k-rpc-socket can lose a callback when packet handling throws, so
// every network primitive registers here and gets a defined outcome (null, "stopped") on stop
// instead of hanging its caller forever.

export class Pending {
  private readonly stops = new Set<() => void>()

  get size (): number {
    return this.stops.size
  }

  /**
   * A promise settled by `run` (through the `settle` it is given), or with `onStop` when
   * settleAll() comes first. `run` may return a cleanup function; it runs once, on either path.
   */
  track<T> (onStop: T, run: (settle: (v: T) => void) => (() => void) | void): Promise<T> {
    return new Promise<T>(resolve => {
      let done = false
      let cleanup: (() => void) | void
      const settle = (v: T): void => {
        if (done) return
        done = true
        this.stops.delete(stop)
        if (cleanup) cleanup()
        resolve(v)
      }
      const stop = (): void => settle(onStop)
      this.stops.add(stop)
      cleanup = run(settle)
      if (done && cleanup) cleanup() // `run` settled synchronously, before its cleanup existed
    })
  }

  settleAll (): void {
    for (const stop of [...this.stops]) stop()
  }
}
