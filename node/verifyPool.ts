// Signature pre-verification on other cores (sync): fetched blocks and transactions are queued as
// they arrive, their canonical bytes (cached at decode) go to worker threads in batches, which
// derive the signing hashes and run the BIP340 checks (verifyWorker.mjs), and every object that verified is marked in chain/verifyCache.ts, so validation on
// the main thread (verifyObject) skips its signature. Purely an optimisation: an object the
// workers did not confirm (failed, not yet done, pool closed) is checked on the main thread as
// before. Workers start lazily and stop with close(), so an idle node holds none.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { BLOCK_SCHEMA, type Block } from '../chain/block.js'
import type { Schema } from '../chain/codec.js'
import { encodedOf } from '../chain/signed.js'
import { TX_SCHEMA, type Transaction } from '../chain/tx.js'
import { isVerified, markVerified } from '../chain/verifyCache.js'

import { VERIFY_BATCH_SIGS, VERIFY_BATCH_WAIT_MS } from './constants.js'

const WORKER_URL = new URL('./verifyWorker.mjs', import.meta.url)

interface Item { obj: { s: Uint8Array }, signer: Uint8Array, schema: Schema, settle?: () => void }

export class VerifyPool {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, { items: Item[], done: () => void }>()
  private queued: Item[] = []
  private flushTimer?: NodeJS.Timeout
  /** Batches posted to the workers (for tests and profiles). */
  batches = 0
  private nextId = 0
  private rr = 0
  private closed = false
  private readonly inFlight = new Set<Promise<void>>()
  /** Objects queued or being checked, with the batch that settles them. */
  private readonly pending = new Map<object, Promise<void>>()

  /** Default size: one worker per core beyond the main thread's, at least one, at most 4. */
  constructor (
    private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1)),
    private readonly batchSigs = VERIFY_BATCH_SIGS,
    private readonly batchWaitMs = VERIFY_BATCH_WAIT_MS
  ) {}

  block (b: Block): void { this.add({ obj: b, signer: b.m, schema: BLOCK_SCHEMA }) }
  tx (t: Transaction): void { this.add({ obj: t, signer: t.f, schema: TX_SCHEMA }) }

  private add (item: Item): void {
    if (this.closed || item.signer.length !== 32 || item.obj.s.length !== 64 || isVerified(item.obj, item.signer)) return
    this.queued.push(item)
    this.pending.set(item.obj, new Promise<void>(resolve => { (item as Item & { settle?: () => void }).settle = resolve }))
    // A batch goes when it is full or VERIFY_BATCH_WAIT_MS after its first item (or when an import
    // asks for its items: ready()). Flushing every event-loop turn sent a few signatures per message
    // (items arrive a few per UDP read), and the messages cost the main thread more than the
    // signatures they carried saved it.
    if (this.queued.length >= this.batchSigs) this.flush()
    else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => { this.flushTimer = undefined; this.flush() }, this.batchWaitMs)
      this.flushTimer.unref()
    }
  }

  private flush (): void {
    if (this.flushTimer !== undefined) { clearTimeout(this.flushTimer); this.flushTimer = undefined }
    if (this.closed || this.queued.length === 0) return
    const items = this.queued
    this.queued = []
    const encoded: Uint8Array[] = []
    const kept: Item[] = []
    let size = 0
    for (const it of items) {
      let b: Uint8Array
      try { b = encodedOf(it.schema, it.obj) } catch { this.settle(it); continue } // the main thread will reject it
      encoded.push(b)
      kept.push(it)
      size += 4 + b.length + 32
    }
    if (kept.length === 0) return
    const buf = new Uint8Array(size)
    const view = new DataView(buf.buffer)
    let o = 0
    kept.forEach((it, i) => {
      view.setUint32(o, encoded[i].length)
      buf.set(encoded[i], o + 4)
      buf.set(it.signer, o + 4 + encoded[i].length)
      o += 36 + encoded[i].length
    })
    const id = this.nextId++
    const p = new Promise<void>(resolve => this.waiting.set(id, { items: kept, done: resolve }))
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
    const w = this.worker()
    this.batches++
    w.ref() // held open while it has work; unref'd again when the pool is idle
    w.postMessage({ id, buf }, [buf.buffer])
  }

  private worker (): Worker {
    if (this.workers.length < this.size) {
      const w = new Worker(WORKER_URL)
      w.on('message', ({ id, out }: { id: number, out: Uint8Array }) => {
        const job = this.waiting.get(id)
        if (job === undefined) return
        this.waiting.delete(id)
        job.items.forEach((it, i) => { if (out[i] === 1) markVerified(it.obj, it.signer); this.settle(it) })
        job.done()
        if (this.waiting.size === 0) for (const x of this.workers) x.unref()
      })
      // A broken worker only costs the speed-up: its jobs resolve unverified.
      w.on('error', () => this.failAll())
      w.unref()
      this.workers.push(w)
      return w
    }
    return this.workers[this.rr++ % this.workers.length]
  }

  private settle (it: Item): void {
    this.pending.delete(it.obj)
    it.settle?.()
  }

  private failAll (): void {
    for (const job of this.waiting.values()) { job.items.forEach(it => this.settle(it)); job.done() }
    this.waiting.clear()
  }

  /** Resolves when these objects' checks (if any are queued) have settled. */
  async ready (objs: Iterable<object>): Promise<void> {
    this.flush()
    const ps = new Set<Promise<void>>()
    for (const o of objs) { const p = this.pending.get(o); if (p !== undefined) ps.add(p) }
    await Promise.all([...ps])
  }

  /** Resolves when everything queued so far has been checked (or given up on). */
  async drain (): Promise<void> {
    this.flush()
    await Promise.all([...this.inFlight])
  }

  /** Stops the workers; pending checks resolve unverified. */
  async close (): Promise<void> {
    this.closed = true
    if (this.flushTimer !== undefined) { clearTimeout(this.flushTimer); this.flushTimer = undefined }
    for (const it of this.queued.splice(0)) this.settle(it)
    this.failAll()
    await Promise.all(this.workers.splice(0).map(async w => await w.terminate()))
  }
}
