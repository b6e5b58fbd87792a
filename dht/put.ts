// Put (PROTOCOL §9): recursive and non-blocking. Each call checks its input, returns the target at
// once, and lets the network work finish in the background ("put and forget"); `done` is there
// for callers that care (tests, the demand responder) and never rejects. Outcomes go to stats.
// Signing convention: bittorrent-dht's signature data for {salt, seq, v} is hashed with SHA-256
// and that hash is BIP340-signed (PROTOCOL §1 signs 32-byte hashes); see docs/dht.md.
import { type KeyPair, sha256, signHash } from '../chain/crypto.js'
import { MAX_PUSH_ENDPOINTS, MAX_SALT_BYTES, MAX_VALUE_BYTES } from './constants.js'
import type { Endpoint } from './endpoint.js'
import type { DhtEngine, PushResult, PutOutcome } from './engine.js'
import { DhtError } from './errors.js'
import { mutableTarget, signatureData, toWire } from './wire.js'

export interface PutHandle {
  target: Uint8Array
  done: Promise<PutOutcome>
}

/** A mutable put kept (served to direct gets) now, whose network put waits (Putter.putMutableLater). */
export interface DeferredPut extends PutHandle {
  /** Starts the network put now, if it has not started or been cancelled. */
  flush: () => void
  /** Drops the network put if it has not started (a newer item of the channel supersedes it). */
  cancel: () => void
}

/** The outcome of a deferred put that never went out: superseded, or the engine gone. */
const notSent = (code: string): PutOutcome => ({ ok: false, nodes: 0, alreadyThere: false, code })

export interface MutablePut {
  salt: Uint8Array
  /** Canonical bencode of the value dict (a channel value). */
  value: Uint8Array
  seq: number
  /** Defaults to the engine's key pair. */
  keyPair?: KeyPair
}

export interface PushOutcome { ok: number, already: number, failed: number }

export class Putter {
  constructor (private readonly engine: DhtEngine) {}

  /** Stores a block, transaction or message: `bytes` is its canonical encoding, the target its id. */
  putImmutable (bytes: Uint8Array): PutHandle {
    const { v, encoded } = wireValue(bytes)
    const target = sha256(encoded)
    const t0 = performance.now()
    const done = this.engine.put({ v, encoded }).then(out => this.account('putImmutable', out, t0))
    return { target, done }
  }

  /** Signs and stores a mutable item, and keeps it so this node answers direct gets for it. */
  putMutable (p: MutablePut): PutHandle {
    const { target, send } = this.prepareMutable(p)
    return { target, done: send() }
  }

  /**
   * Signs and keeps a mutable item now, so direct gets and pushes have it at once, and puts it to the
   * network after `delayMs` (ms) unless flushed or cancelled first. For a re-provide that need not
   * compete with the work of the moment (docs/dht.md, "Deferred puts").
   */
  putMutableLater (p: MutablePut, delayMs: number): DeferredPut {
    const { target, send } = this.prepareMutable(p)
    let state: 'waiting' | 'sent' | 'cancelled' = 'waiting'
    let resolve!: (out: PutOutcome) => void
    const done = new Promise<PutOutcome>(r => { resolve = r })
    const flush = (): void => {
      if (state !== 'waiting') return
      state = 'sent'
      clearTimeout(timer)
      // The engine may have stopped during the wait: an outcome, never a rejection.
      if (!this.engine.running) resolve(notSent('DHT_STOPPED'))
      else send().then(resolve, (e: Error) => { resolve(notSent(e.message)) })
    }
    const cancel = (): void => {
      if (state !== 'waiting') return
      state = 'cancelled'
      clearTimeout(timer)
      resolve(notSent('DHT_PUT_SUPERSEDED'))
    }
    const timer = setTimeout(flush, Math.max(0, delayMs))
    timer.unref() // a node that stops drops the wait; engine.put answers DHT_STOPPED after a stop anyway
    return { target, done, flush, cancel }
  }

  private prepareMutable (p: MutablePut): { target: Uint8Array, send: () => Promise<PutOutcome> } {
    const kp = p.keyPair ?? this.engine.keyPair
    if (kp === undefined) throw new DhtError('DHT_NO_KEY', 'a mutable put needs a key pair')
    if (p.salt.length < 1 || p.salt.length > MAX_SALT_BYTES) {
      throw new DhtError('DHT_BAD_SALT', `salt must be 1..${MAX_SALT_BYTES} bytes, got ${p.salt.length}`)
    }
    if (!Number.isSafeInteger(p.seq) || p.seq < 0) throw new DhtError('DHT_BAD_SEQ', `bad seq ${p.seq}`)
    const { v, encoded: value } = wireValue(p.value)
    const k = Buffer.from(kp.publicKey)
    const salt = Buffer.from(p.salt)
    const sig = Buffer.from(signHash(sha256(signatureData(salt, p.seq, value)), kp.secretKey))
    const target = mutableTarget(k, salt)
    // Kept before the network put, so a reader who asks us directly is answered at once.
    this.engine.keepOwn({ target, k, salt, seq: p.seq, sig, v, value })
    const send = async (): Promise<PutOutcome> => {
      const t0 = performance.now()
      // `sig` rather than a `sign` hook: the signed bytes are built from our canonical value, not
      // from whatever the library's encoder makes of the dict.
      return await this.engine.put({ k, salt, seq: p.seq, v, sig, encoded: value }).then(out => this.account('putMutable', out, t0))
    }
    return { target, send }
  }

  /**
   * Puts our kept item at `target` (a putMutable made earlier) straight to each of `endpoints`
   * (at most MAX_PUSH_ENDPOINTS, the first ones), in parallel. For readers that would otherwise
   * only see it at their next poll; the recursive put still runs. Never rejects.
   */
  async push (target: Uint8Array, endpoints: Endpoint[], signal?: AbortSignal): Promise<PushOutcome> {
    const out: PushOutcome = { ok: 0, already: 0, failed: 0 }
    const item = this.engine.ownItem(target)
    if (item === undefined || !this.engine.running) return out
    const results: PushResult[] = await Promise.all(endpoints.slice(0, MAX_PUSH_ENDPOINTS).map(async ep => await this.engine.pushTo(ep, item, signal)))
    for (const r of results) {
      if (r === 'ok') out.ok++
      else if (r === 'already') out.already++
      else out.failed++
    }
    return out
  }

  private account (name: 'putImmutable' | 'putMutable', out: PutOutcome, t0: number): PutOutcome {
    const s = this.engine.stats
    const kind = name === 'putImmutable' ? 'immutable' : 'mutable'
    if (out.ok) {
      s.puts[`${kind}Ok`]++
      if (out.alreadyThere) s.puts.alreadyThere++
      s.observe(name, performance.now() - t0)
    } else {
      s.puts[`${kind}Failed`]++
    }
    return out
  }
}

/**
 * A value to put, checked (a canonical dict of at most MAX_VALUE_BYTES): its own copy of the bytes,
 * and its wire form decoded from that copy. The network work runs later, and the caller's array
 * may change meanwhile.
 */
function wireValue (bytes: Uint8Array): { v: Record<string, unknown>, encoded: Uint8Array } {
  if (bytes.length > MAX_VALUE_BYTES) throw new DhtError('DHT_BAD_VALUE', `value is ${bytes.length} bytes, over ${MAX_VALUE_BYTES}`)
  const encoded = new Uint8Array(bytes)
  try {
    return { v: toWire(encoded), encoded }
  } catch (e) {
    throw new DhtError('DHT_BAD_VALUE', `value is not a canonical bencoded dict: ${(e as Error).message}`)
  }
}
