// Worker of node/verifyPool.ts: BIP340 checks of signed objects given as their canonical bencoded
// bytes (a dict whose `s` entry is the signature). The signing hash is SHA-256 of the same bytes
// without the `s` entry: canonical bencode sorts keys and encodes each value independently, so
// removing one key/value pair gives exactly the encoding without `s` (chain/signed.ts,
// signingHashOf). Plain JS so it needs no TypeScript loader. Input: `buf` holding records
// [u32 length][bytes][32-byte signer]; answers one byte per record: 1 verified, 0 not (or unparsable).
import { createHash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { verifySchnorr } from '../chain/secp256k1.mjs'

/** End offset of the bencoded value starting at `i`, or -1. */
function skip (b, i) {
  const c = b[i]
  if (c === 0x69) { const e = b.indexOf(0x65, i); return e < 0 ? -1 : e + 1 } // i...e
  if (c === 0x6c || c === 0x64) { // l...e, d...e
    i++
    while (i < b.length && b[i] !== 0x65) { i = skip(b, i); if (i < 0) return -1 }
    return i < b.length ? i + 1 : -1
  }
  if (c >= 0x30 && c <= 0x39) { // <len>:<bytes>
    const colon = b.indexOf(0x3a, i)
    if (colon < 0) return -1
    const n = Number(Buffer.from(b.subarray(i, colon)).toString('latin1'))
    return Number.isSafeInteger(n) && colon + 1 + n <= b.length ? colon + 1 + n : -1
  }
  return -1
}

/** [signing hash, signature] of a top-level dict with a 64-byte `s` entry, or null. */
function split (b) {
  if (b[0] !== 0x64) return null
  let i = 1
  while (i < b.length && b[i] !== 0x65) {
    const k = skip(b, i)
    if (k < 0 || b[i] < 0x30 || b[i] > 0x39) return null
    const v = skip(b, k)
    if (v < 0) return null
    if (k - i === 3 && b[i] === 0x31 && b[i + 1] === 0x3a && b[i + 2] === 0x73) { // "1:s"
      if (v - k !== 67 || b[k] !== 0x36 || b[k + 1] !== 0x34 || b[k + 2] !== 0x3a) return null // "64:"
      const h = createHash('sha256').update(b.subarray(0, i)).update(b.subarray(v)).digest()
      return [new Uint8Array(h.buffer, h.byteOffset, 32), b.subarray(k + 3, v)]
    }
    i = v
  }
  return null
}

parentPort.on('message', ({ id, buf }) => {
  const out = []
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  for (let o = 0; o + 4 <= buf.length;) {
    const n = view.getUint32(o)
    const bytes = buf.subarray(o + 4, o + 4 + n)
    const signer = buf.subarray(o + 4 + n, o + 36 + n)
    o += 36 + n
    let ok = 0
    try {
      const hs = split(bytes)
      if (hs !== null && verifySchnorr(hs[1], hs[0], signer)) ok = 1
    } catch {
      ok = 0
    }
    out.push(ok)
  }
  const res = Uint8Array.from(out)
  parentPort.postMessage({ id, out: res }, [res.buffer])
})
