// A serving node's data dir with a valid chain already in its store: genesis in the past (so no
// block is from the future), `blocks` fast blocks of `txsPerBlock` transfers each, built with the
// test chain builder and committed through Chain.importBranch, plus a genesis file and the key of
// the first genesis account (the node that serves it). Also the signature-verification bound of
// the same data on one core. Memory is O(blocks), not O(blocks × accounts): the builder keeps one
// live state (nobody reads a block's `state` here), and `path` keeps block, id and txs only.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BLOCK_SCHEMA } from '../../../chain/block.js'
import { Chain } from '../../../chain/chain.js'
import { keyPairFromSeed, verifyHash, writeKeyFile } from '../../../chain/crypto.js'
import { buildGenesis, genesisToJson } from '../../../chain/genesis.js'
import { toHex } from '../../../chain/hex.js'
import { signingHashOf } from '../../../chain/signed.js'
import { TX_SCHEMA } from '../../../chain/tx.js'
import { type Built, ChainBuilder, type TestNet } from '../../../test/helpers/chainBuilder.js'

/** What the bench keeps of a built block (no state). */
export type ServedBlock = Pick<Built, 'block' | 'id' | 'txs'>

export const BLOCK_TIME_S = 10

export interface ServedChain {
  dir: string
  genesisFile: string
  keyFile: string
  tipId: string
  height: number
  txs: number
  /** Blocks in order (for the verification bound). */
  path: ServedBlock[]
}

/** Fast blocks average well under 3·T apart, so a genesis this far back keeps the tip in the past. */
function netFor (blocks: number): TestNet {
  const powers = [1e12, 64e10, 36e10, 16e10]
  const keys = powers.map((_, i) => keyPairFromSeed(`node-bench-key-${i}`))
  const genesis = buildGenesis({
    name: 'node-bench', timestamp: Math.floor(Date.now() / 1000) - blocks * BLOCK_TIME_S * 3 - 600,
    blockTime: BLOCK_TIME_S, mutableRange: 6, minFee: 1, blockReward: 10,
    accounts: keys.map((k, i) => ({ pubkey: k.publicKey, balance: 1_000_000_000, power: powers[i] }))
  })
  return { genesis, keys }
}

/** Builds `blocks` blocks into `dir`/chain; `log` gets progress lines. */
export async function buildServedChain (dir: string, blocks: number, txsPerBlock: number, log: (s: string) => void): Promise<ServedChain> {
  const net = netFor(blocks)
  const builder = new ChainBuilder(net)
  mkdirSync(dir, { recursive: true })
  const chain = await Chain.open(join(dir, 'chain'), net.genesis)
  let cur = builder.root
  const CHUNK = 250
  const path: ServedBlock[] = []
  try {
    for (let done = 0; done < blocks; done += CHUNK) {
      const part = builder.extend(cur, Math.min(CHUNK, blocks - done), { speed: 'fast', txs: txsPerBlock })
      const r = await chain.importBranch(part.map(x => x.block), builder.txMap(part))
      if (r.kind === 'invalid' || r.invalid !== undefined) throw new Error(`served chain: import failed at ${done}: ${JSON.stringify(r.kind)}`)
      for (const x of part) path.push({ block: x.block, id: x.id, txs: x.txs })
      cur = part[part.length - 1]
      log(`  built ${done + part.length}/${blocks} blocks`)
    }
    if (chain.tip().n !== blocks) throw new Error(`served chain: tip at ${chain.tip().n}, wanted ${blocks}`)
    if (cur.block.t > Date.now() / 1000) throw new Error('served chain: tip is in the future')
  } finally {
    await chain.close()
  }
  const genesisFile = join(dir, 'genesis.json')
  writeFileSync(genesisFile, JSON.stringify(genesisToJson(net.genesis.config), null, 2) + '\n')
  const keyFile = join(dir, 'key.json')
  writeKeyFile(keyFile, net.keys[0])
  return { dir, genesisFile, keyFile, tipId: toHex(cur.id), height: blocks, txs: blocks * txsPerBlock, path }
}

/** Signature checks per second on this core, over the chain's own block and tx signatures (hashes precomputed). */
export function verifyRate (path: ServedBlock[], maxBlocks = 400, check: (s: Uint8Array, h: Uint8Array, k: Uint8Array) => boolean = verifyHash): number {
  const sigs: Array<{ s: Uint8Array, h: Uint8Array, k: Uint8Array }> = []
  for (const b of path.slice(0, maxBlocks)) {
    sigs.push({ s: b.block.s, h: signingHashOf(BLOCK_SCHEMA, b.block), k: b.block.m })
    for (const tx of b.txs) sigs.push({ s: tx.s, h: signingHashOf(TX_SCHEMA, tx), k: tx.f })
  }
  const start = performance.now()
  for (const x of sigs) if (!check(x.s, x.h, x.k)) throw new Error('bad signature in served chain')
  return sigs.length / ((performance.now() - start) / 1000)
}
