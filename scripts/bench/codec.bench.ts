// Foundations: strict canonical encode/decode of a full block (16 tx ids) and a transfer.
import { decodeBlock, encodeBlock } from '../../chain/block.js'
import { decodeTx, encodeTx } from '../../chain/tx.js'
import { encodeWith } from '../../chain/codec.js'
import { BLOCK_SCHEMA } from '../../chain/block.js'
import { sampleBlock, sampleTransfer } from '../../test/helpers/objects.js'
import { type BenchRow, opsPerSecond, row } from './harness.js'

export async function run (): Promise<BenchRow[]> {
  const block = sampleBlock(16)
  const bytes = encodeBlock(block)
  const tx = encodeTx(sampleTransfer())
  return [
    // encodeWith skips the per-object cache, so this is the real encoding cost.
    row('codec.encode block (16 txs)', opsPerSecond(() => encodeWith(BLOCK_SCHEMA, block)), 'ops/s', { note: `${bytes.length} B` }),
    row('codec.decode block (strict)', opsPerSecond(() => decodeBlock(bytes)), 'ops/s'),
    row('codec.decode transfer (strict)', opsPerSecond(() => decodeTx(tx)), 'ops/s', { note: `${tx.length} B` })
  ]
}
