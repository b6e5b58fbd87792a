// One stream of signals. A part that makes signals takes an emitter for the types SIGNAL_ROUTES
// names it the producer of; a pipeline subscribes by name to the types it is named the consumer of.
// Either call with another type throws at start-up, so the table and the code cannot drift apart.
// Emission is synchronous and cheap (RxJS filter+map ~0.04 µs/msg); pipelines bound their own work.
import { Subject, type Observable, filter } from 'rxjs'
import { SIGNAL_ROUTES, type Signal, type SignalConsumer, type SignalOf, type SignalProducer, type SignalType } from './signals.js'

export type Emit<T extends SignalType> = (s: SignalOf<T>) => void

export class SignalRouter {
  private readonly subject = new Subject<Signal>()
  /** Per-type counts, for status and metrics. */
  readonly counts = new Map<SignalType, number>()
  /** Who subscribed to / took an emitter for each type (the routing test reads these). */
  readonly consumers = new Map<SignalType, Set<SignalConsumer>>()
  readonly producers = new Map<SignalType, Set<SignalProducer>>()

  private emit (s: Signal): void {
    this.counts.set(s.type, (this.counts.get(s.type) ?? 0) + 1)
    this.subject.next(s)
  }

  /** The emitter of `producer` for `types` (each must be routed from it). */
  producer<T extends SignalType> (producer: SignalProducer, ...types: T[]): Emit<T> {
    for (const t of types) {
      if (SIGNAL_ROUTES[t].producer !== producer) throw new Error(`signal ${t} is not produced by ${producer} (node/signals.ts SIGNAL_ROUTES)`)
      add(this.producers, t, producer)
    }
    return s => {
      if (!(types as SignalType[]).includes(s.type)) throw new Error(`${producer} may not emit ${s.type}`)
      this.emit(s)
    }
  }

  /** The signals of `types` for `consumer` (each must be routed to it). */
  on<T extends SignalType> (consumer: SignalConsumer, ...types: T[]): Observable<SignalOf<T>> {
    for (const t of types) {
      if (SIGNAL_ROUTES[t].consumer !== consumer) throw new Error(`signal ${t} is not consumed by ${consumer} (node/signals.ts SIGNAL_ROUTES)`)
      add(this.consumers, t, consumer)
    }
    return this.subject.pipe(filter((s): s is SignalOf<T> => (types as SignalType[]).includes(s.type)))
  }

  close (): void {
    this.subject.complete()
  }
}

function add<K, V> (m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k)
  if (s === undefined) m.set(k, s = new Set())
  s.add(v)
}
