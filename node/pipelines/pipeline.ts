// The one shape of the node's running parts (pipelines, channel readers, publisher): built with
// what they use, then start() subscribes to the router, arms timers or hooks the DHT and returns
// what stops it. TauNode starts them in order and calls the stops in reverse, as it does for the
// store, the DHT and the API. The dependencies come in at construction, not at start, because the
// API and the other parts call the built object (submit, run, enable, schedule) before or after
// it runs.

/** Stops what a start() began; called once, in reverse order of starting. */
export type Stop = () => void | Promise<void>

export interface Pipeline {
  start (): Stop
}
