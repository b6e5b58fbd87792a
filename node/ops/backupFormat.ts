// The backup file format (version 1), written by the node's GET /admin/backup and read by
// `tau-node restore`:
//   magic  'TAU-BACKUP-1\n'
//   header one JSON line: { format: 1, schema, genesis (hash hex), chainId (hex), createdAt (unix s) }
//   records, each: key length (u32 BE) · key · value length (u32 BE) · value, in key order
//   end    0xFFFFFFFF · record count (u64 BE) · SHA-256 of every byte before the end marker (32)
// The trailer makes a truncated or altered file fail before anything reads its records as a store;
// the header's genesis hash makes a foreign chain's backup fail before any record is written.
import { createHash, type Hash } from 'node:crypto'
import { NodeError } from '../errors.js'
import { BACKUP_MAGIC, BACKUP_MAX_HEADER_BYTES, BACKUP_MAX_KEY_BYTES, BACKUP_MAX_VALUE_BYTES } from './constants.js'

export interface BackupHeader { format: 1, schema: number, genesis: string, chainId: string, createdAt: number }

const END_MARK = 0xffffffff

export const backupCorrupt = (message: string): NodeError => new NodeError('BACKUP_CORRUPT', message)

/** Builds the byte chunks of a backup; the caller sends them (the node streams them to a client). */
export class BackupWriter {
  private readonly hash: Hash = createHash('sha256')
  private count = 0n

  header (h: BackupHeader): Buffer {
    return this.hashed(Buffer.from(`${BACKUP_MAGIC}${JSON.stringify(h)}\n`))
  }

  record (key: Uint8Array, value: Uint8Array): Buffer {
    const b = Buffer.allocUnsafe(8 + key.length + value.length)
    b.writeUInt32BE(key.length, 0)
    b.set(key, 4)
    b.writeUInt32BE(value.length, 4 + key.length)
    b.set(value, 8 + key.length)
    this.count++
    return this.hashed(b)
  }

  end (): Buffer {
    const b = Buffer.alloc(12)
    b.writeUInt32BE(END_MARK, 0)
    b.writeBigUInt64BE(this.count, 4)
    return Buffer.concat([b, this.hash.digest()])
  }

  private hashed (b: Buffer): Buffer { this.hash.update(b); return b }
}

/**
 * Reads a backup from a byte stream: the header first (so a foreign backup is refused early), then
 * every record; the checksum and count are checked at the end. Any malformed byte is BACKUP_CORRUPT.
 */
export class BackupReader {
  private buf: Buffer = Buffer.alloc(0)
  private readonly hash: Hash = createHash('sha256')
  private readonly it: AsyncIterator<Buffer>
  private done = false

  constructor (source: AsyncIterable<Buffer>) { this.it = source[Symbol.asyncIterator]() }

  async header (): Promise<BackupHeader> {
    const magic = await this.take(BACKUP_MAGIC.length, 'the magic')
    if (magic.toString('latin1') !== BACKUP_MAGIC) throw backupCorrupt('not a tau-node backup (bad magic)')
    let line = Buffer.alloc(0)
    for (;;) {
      const c = await this.take(1, 'the header')
      if (c[0] === 0x0a) break
      if (line.length >= BACKUP_MAX_HEADER_BYTES) throw backupCorrupt(`header over ${BACKUP_MAX_HEADER_BYTES} bytes`)
      line = Buffer.concat([line, c])
    }
    let h: unknown
    try { h = JSON.parse(line.toString('utf8')) } catch { throw backupCorrupt('the header is not JSON') }
    const o = h as Partial<BackupHeader>
    if (typeof h !== 'object' || h === null || o.format !== 1 || typeof o.schema !== 'number' || typeof o.genesis !== 'string' ||
      typeof o.chainId !== 'string' || typeof o.createdAt !== 'number') {
      throw backupCorrupt('the header lacks format 1, schema, genesis, chainId or createdAt')
    }
    return o as BackupHeader
  }

  /** Each record in file order; after the last one, the trailer is checked. */
  async * records (): AsyncGenerator<[Buffer, Buffer]> {
    let count = 0n
    for (;;) {
      // The end marker is the one read the checksum does not cover.
      const klBytes = await this.takeRaw(4, 'a record')
      const kl = klBytes.readUInt32BE(0)
      if (kl !== END_MARK) this.hash.update(klBytes)
      else {
        const expectedHash = this.hash.digest()
        const rest = await this.takeRaw(40, 'the end')
        if (rest.readBigUInt64BE(0) !== count) throw backupCorrupt(`the end says ${rest.readBigUInt64BE(0)} records, the file holds ${count}`)
        if (!rest.subarray(8).equals(expectedHash)) throw backupCorrupt('the checksum does not match the content')
        if (this.buf.length > 0 || !(await this.atEnd())) throw backupCorrupt('bytes after the end of the backup')
        return
      }
      if (kl === 0 || kl > BACKUP_MAX_KEY_BYTES) throw backupCorrupt(`record ${count}: key length ${kl} out of range`)
      const key = await this.take(kl, 'a key')
      const vl = (await this.take(4, 'a record')).readUInt32BE(0)
      if (vl > BACKUP_MAX_VALUE_BYTES) throw backupCorrupt(`record ${count}: value length ${vl} over ${BACKUP_MAX_VALUE_BYTES}`)
      const value = await this.take(vl, 'a value')
      count++
      yield [key, value]
    }
  }

  private async take (n: number, what: string): Promise<Buffer> {
    const b = await this.takeRaw(n, what)
    this.hash.update(b)
    return b
  }

  private async takeRaw (n: number, what: string): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.done) throw backupCorrupt(`the file ends inside ${what} (truncated)`)
      const r = await this.it.next()
      if (r.done === true) { this.done = true; continue }
      this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value])
    }
    const out = Buffer.from(this.buf.subarray(0, n))
    this.buf = this.buf.subarray(n)
    return out
  }

  private async atEnd (): Promise<boolean> {
    if (this.done) return true
    const r = await this.it.next()
    if (r.done === true) { this.done = true; return true }
    this.buf = r.value
    return r.value.length === 0 && this.atEnd()
  }
}
