// The five operations both sides of the libtorrent bench measure, and what one phase records.

export const OPS = ['immutablePut', 'immutableGet', 'mutablePut', 'mutableGetFirst', 'mutableGetAuthoritative'] as const
export type Op = typeof OPS[number]

/** One phase of one side: latencies of the operations that succeeded, and the process CPU it took. */
export interface PhaseResult {
  /** Milliseconds per successful operation, in the order they ran. */
  latMs: number[]
  /** Process CPU (user + system) over the whole phase, every node of the swarm included. */
  cpuMs: number
  /** Operations attempted (successful + failed); CPU per op divides by this. */
  ops: number
  failed: number
  /** Datagrams the whole swarm sent during the phase, when the side counts them. */
  datagramsOut?: number
}

export type SideResult = Record<Op, PhaseResult>

/** What each row measures, for the notes (both sides do the same thing). */
export const OP_MEANING: Record<Op, string> = {
  immutablePut: 'recursive put: lookup of the target\'s closest nodes (tokens), then store on them; until the putter hears back',
  immutableGet: 'recursive get from a node that did not put it: lookup that ends at the first answer whose hash matches',
  mutablePut: 'fresh key and salt; sign, lookup for tokens, store on the closest nodes; until the putter hears back',
  mutableGetFirst: 'recursive mutable get: time until the first verified answer carrying the value',
  mutableGetAuthoritative: 'the same lookup: time until it has finished (every closest node heard, highest seq known)'
}
