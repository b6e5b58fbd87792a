// Worker of node/verifyPool.ts: BIP340 checks of packed (hash 32, signature 64, key 32) records.
// Plain JS so it needs no TypeScript loader. Answers one byte per record: 1 verified, 0 not.
import { parentPort } from 'node:worker_threads'
import * as ecc from 'tiny-secp256k1'

parentPort.on('message', ({ id, buf }) => {
  const n = Math.floor(buf.length / 128)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const o = i * 128
    try {
      out[i] = ecc.verifySchnorr(buf.subarray(o, o + 32), buf.subarray(o + 96, o + 128), buf.subarray(o + 32, o + 96)) ? 1 : 0
    } catch {
      out[i] = 0
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer])
})
