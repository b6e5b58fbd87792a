// Per-sender chain heads: the newest message of each sender whose chain is complete back to its
// first message (empty `p`). One small JSON file in <data-dir>/messaging, replaced atomically on each
// change, so a restart neither forks the node's own chain nor refetches what it already linked.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_TRACKED_SENDERS } from './constants.js'

export interface Head {
  /** Message id (hex). */ id: string
  /** Its timestamp (unix s). */ t: number
  /** Messages in the chain up to and including it. */ n: number
}

export class HeadStore {
  private readonly heads = new Map<string, Head>()
  private readonly file?: string

  /** Without a directory the heads live in memory only (tests). */
  constructor (dir?: string, private readonly self?: string) {
    if (dir === undefined) return
    mkdirSync(dir, { recursive: true })
    this.file = join(dir, 'heads.json')
    let raw: unknown
    try { raw = JSON.parse(readFileSync(this.file, 'utf8')) } catch { raw = {} }
    if (typeof raw === 'object' && raw !== null) {
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        const h = v as Partial<Head>
        if (/^[0-9a-f]{64}$/.test(k) && typeof h.id === 'string' && /^[0-9a-f]{64}$/.test(h.id) &&
          Number.isSafeInteger(h.t) && Number.isSafeInteger(h.n)) this.heads.set(k, { id: h.id, t: h.t!, n: h.n! })
      }
    }
  }

  get (senderHex: string): Head | undefined { return this.heads.get(senderHex) }

  senders (): string[] { return [...this.heads.keys()] }

  get size (): number { return this.heads.size }

  set (senderHex: string, head: Head): void {
    if (!this.heads.has(senderHex) && this.heads.size >= MAX_TRACKED_SENDERS) {
      // Forget the sender we heard from longest ago (never ourselves); its messages stay stored.
      let oldest: string | undefined
      for (const [k, h] of this.heads) if (k !== this.self && (oldest === undefined || h.t < this.heads.get(oldest)!.t)) oldest = k
      if (oldest !== undefined) this.heads.delete(oldest)
    }
    this.heads.set(senderHex, head)
    this.flush()
  }

  private flush (): void {
    if (this.file === undefined) return
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.heads)))
    renameSync(tmp, this.file)
  }
}
