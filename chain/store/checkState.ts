// The open check's deeper half: the state digest against the stored account records, and the
// main-chain height index from genesis (the 64-block check covers only the newest blocks, so a
// hole at height 3 went unseen). Both are bounded: a full pass up to a size that costs well under
// a second, a sample beyond (constants.ts); `tau-node check` does the full pass at any size.
import { randomBytes, randomInt } from 'node:crypto'
import { KEY_BYTES } from '../constants.js'
import { bytesEqual, toHex } from '../hex.js'
import { decodeAccount } from '../state/account.js'
import { blockId } from '../block.js'
import {
  OPEN_CHECK_ACCOUNT_SAMPLE, OPEN_CHECK_DIGEST_MAX_ACCOUNTS, OPEN_CHECK_INDEX_MAX_ENTRIES, OPEN_CHECK_INDEX_SAMPLE_HEIGHTS,
  OPEN_CHECK_RECENT_BLOCKS
} from './constants.js'
import { StateDigest } from './digest.js'
import { P_ACCOUNT, P_HEIGHT, accountKey, blockKey, describeKey, heightOfKey, infoKey, keyBody, metaKey } from './keys.js'
import { mapLevelAsync } from './levelErrors.js'
import { storeCorrupt } from './records.js'
import { scanPrefix } from './scan.js'
import type { ChainStore } from './store.js'

export interface StateScan { digest: StateDigest, accounts: number, complete: boolean }

/**
 * Recomputes the digest of the stored account records, decoding each (a record that does not
 * decode is STORE_CORRUPT). Stops after `max` records: `complete` is then false.
 */
export async function scanStateDigest (store: ChainStore, max = Number.MAX_SAFE_INTEGER): Promise<StateScan> {
  const digest = new StateDigest()
  for await (const [k, v] of scanPrefix(store.db, P_ACCOUNT)) {
    if (digest.count >= max) return { digest, accounts: digest.count, complete: false }
    if (k.length !== 1 + KEY_BYTES) throw storeCorrupt(`${describeKey(k)} has a malformed key`)
    let account
    try {
      account = decodeAccount(v)
    } catch (e) {
      throw storeCorrupt(`record ${describeKey(k)} does not decode (${(e as Error).message})`, { key: toHex(k) })
    }
    digest.add(keyBody(k), account)
  }
  return { digest, accounts: digest.count, complete: true }
}

/** The digest record, decoded; undefined when absent (a store written before digests). */
export function storedDigest (store: ChainStore): StateDigest | undefined {
  return store.readRecord(metaKey('digest'), StateDigest.decode)
}

/** Throws STORE_CORRUPT when the stored accounts do not add up to the digest record. */
export function compareDigest (stored: StateDigest, found: StateDigest): void {
  if (stored.equals(found)) return
  const counts = stored.count === found.count
    ? `${found.count} accounts as recorded, but their values differ`
    : `${found.count} account records, the digest records ${stored.count}`
  throw storeCorrupt(`the account records do not match the state digest (${counts}: an account record was deleted, added or altered)`,
    { digest: stored.fingerprint(), found: found.fingerprint() })
}

/** The open check of the state: in full up to OPEN_CHECK_DIGEST_MAX_ACCOUNTS, a decoded sample beyond. */
export async function checkStateAtOpen (store: ChainStore): Promise<{ accounts: number, full: boolean }> {
  const scan = await scanStateDigest(store, OPEN_CHECK_DIGEST_MAX_ACCOUNTS)
  if (scan.complete) {
    compareDigest(store.digest, scan.digest)
    return { accounts: scan.accounts, full: true }
  }
  // Too many accounts to recompute at every start: decode a run of records from a random key.
  const from = accountKey(randomBytes(KEY_BYTES))
  const sample = await mapLevelAsync('sampling account records', async () =>
    await store.db.iterator({ gte: from, lt: Uint8Array.of(P_ACCOUNT + 1), limit: OPEN_CHECK_ACCOUNT_SAMPLE }).all())
  for (const [k, v] of sample) {
    try { decodeAccount(v) } catch (e) { throw storeCorrupt(`record ${describeKey(k)} does not decode (${(e as Error).message})`) }
  }
  return { accounts: scan.accounts, full: false }
}

/**
 * The height index from genesis: every height present in order, each naming a stored block with
 * its info record (presence only: decoding is for the recent blocks and the sample). In full up
 * to OPEN_CHECK_INDEX_MAX_ENTRIES heights; above that, a random sample of heights is decoded and
 * linked to its parent.
 */
export async function checkIndexAtOpen (store: ChainStore, max = OPEN_CHECK_INDEX_MAX_ENTRIES): Promise<{ heights: number, sampled: number }> {
  const tipN = store.tip.n
  let expect = 0
  for await (const [k, v] of scanPrefix(store.db, P_HEIGHT)) {
    if (expect >= max) break
    const n = k.length === 9 ? heightOfKey(k) : -1
    if (n !== expect) throw storeCorrupt(expect === 0 ? 'the height index does not start at genesis' : `main-chain height ${expect} is missing below the tip`)
    if (v.length !== 32) throw storeCorrupt(`record height ${n} holds ${v.length} bytes, not a block id`)
    if (store.raw(blockKey(v)) === undefined) throw storeCorrupt(`main-chain block ${toHex(v)} at height ${n} is missing`)
    if (store.raw(infoKey(v)) === undefined) throw storeCorrupt(`block info of main-chain block ${toHex(v)} (height ${n}) is missing`)
    expect++
  }
  if (expect <= tipN && expect < max) throw storeCorrupt(`main-chain height ${expect} is missing below the tip`)
  // Above the full pass and below the newest blocks (checked by checkRecentBlocks): a sample.
  const lo = expect
  const hi = tipN - OPEN_CHECK_RECENT_BLOCKS
  let sampled = 0
  for (let i = 0; hi > lo && i < OPEN_CHECK_INDEX_SAMPLE_HEIGHTS; i++) {
    const n = randomInt(lo, hi + 1)
    const b = store.mainBlockAt(n)! // STORE_CORRUPT when the entry or its block is missing or garbled
    if (b.n !== n || !bytesEqual(b.p, store.mainIdAt(n - 1)!)) throw storeCorrupt(`main-chain block ${toHex(blockId(b))} at height ${n} does not link to height ${n - 1}`)
    sampled++
  }
  return { heights: expect, sampled }
}
