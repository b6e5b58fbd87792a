import { expect } from 'chai'
import { type Block, verifyBlockSignature } from '../../../chain/block.js'
import { type Transaction, verifyTxSignature } from '../../../chain/tx.js'
import { type Message, verifyMessageSignature } from '../../../chain/message.js'
import { sampleBlock, sampleMessage, sampleNote, sampleTransfer } from '../../helpers/objects.js'

/** A copy of `o` with field `k` changed to another valid value of the same shape. */
function tamper<T extends object> (o: T, k: string): T {
  const v = (o as Record<string, unknown>)[k]
  let nv: unknown
  if (typeof v === 'number') nv = v + 1
  else if (typeof v === 'bigint') nv = v + 1n
  else if (v instanceof Uint8Array) { const c = Uint8Array.from(v); if (c.length) c[0] ^= 1; else nv = new Uint8Array([1]); nv ??= c }
  else if (Array.isArray(v)) nv = v.length ? [Uint8Array.from(v[0]).fill(0xee), ...v.slice(1)] : [new Uint8Array(32)]
  else throw new Error(`cannot tamper ${k}`)
  return { ...o, [k]: nv }
}

describe('signatures over every field', () => {
  const cases: Array<[string, object, (o: never) => boolean]> = [
    ['block', sampleBlock(2), verifyBlockSignature as (o: Block) => boolean],
    ['transfer', sampleTransfer(), verifyTxSignature as (o: Transaction) => boolean],
    ['note', sampleNote(), verifyTxSignature as (o: Transaction) => boolean],
    ['message', sampleMessage(), verifyMessageSignature as (o: Message) => boolean]
  ]
  for (const [name, obj, verify] of cases) {
    it(`${name}: valid signature verifies, and changing any field breaks it`, () => {
      expect(verify(obj as never)).to.equal(true)
      const fields = Object.keys(obj).filter(k => k !== 's')
      expect(fields.length).to.be.greaterThan(5)
      for (const k of fields) expect(verify(tamper(obj, k) as never), `field ${k}`).to.equal(false)
      expect(verify(tamper(obj, 's') as never), 'signature itself').to.equal(false)
    })
  }
})
