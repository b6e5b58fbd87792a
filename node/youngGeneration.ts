// V8's young generation (the semi-spaces new objects are made in), sized for what the node does.
// Idle or mining, it stays at V8's initial 1 MiB semi-spaces (V8_SEMI_SPACE_GROWTH_FACTOR): V8 grows
// it under load and never gives it back, which cost an idle node ~25 MB. A long sync lets it grow
// (V8_SEMI_SPACE_GROWTH_FACTOR_SYNC): a sync makes garbage fast, and a 1 MiB space made it a
// quarter of the main thread's time. The sync's memory release (node/memory.ts: memory-pressure
// GCs) shrinks it back. V8 reads the factor whenever it grows the space, so setting it at run time
// works; a starting worker thread (tsx's loader, the sync's verify pool) resets V8's flags to their
// defaults, so the current factor is set again each time one comes online.
import { subscribe } from 'node:diagnostics_channel'
import { setFlagsFromString } from 'node:v8'
import { V8_SEMI_SPACE_GROWTH_FACTOR, V8_SEMI_SPACE_GROWTH_FACTOR_SYNC } from '../chain/constants.js'

let managed = false
let factor = V8_SEMI_SPACE_GROWTH_FACTOR

function apply (): void { setFlagsFromString(`--semi-space-growth-factor=${factor}`) }

/**
 * Takes over the young generation's growth (bin/tau-node.js, unless the user sized it with a
 * semi-space flag: then it is left alone, and so is every later call here).
 */
export function manageYoungGeneration (): void {
  if (managed) return
  managed = true
  apply()
  subscribe('worker_threads', (msg) => { (msg as { worker: { once: (e: 'online', f: () => void) => void } }).worker.once('online', apply) })
}

/** A long sync starts (true: let it grow) or ends (false: keep it small again). */
export function youngGenerationForSync (syncing: boolean): void {
  if (!managed) return
  factor = syncing ? V8_SEMI_SPACE_GROWTH_FACTOR_SYNC : V8_SEMI_SPACE_GROWTH_FACTOR
  apply()
}

/** The growth factor now, or null when the node does not manage it (what its tests check). */
export function youngGenerationFactor (): number | null { return managed ? factor : null }
