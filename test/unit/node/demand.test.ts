// The node's demand set (node/demand.ts): what goes into its demand item, for how long, and when the
// item has changed and must be published again.
import { expect } from 'chai'
import { toHex } from '../../../chain/hex.js'
import { DEMAND_ID_TTL_MS, DEMAND_MAX_IDS_PER_KIND } from '../../../node/constants.js'
import { DemandSet } from '../../../node/demand.js'

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const hexes = (ids: Uint8Array[]): string[] => ids.map(toHex)

describe('node/demand', () => {
  it('lists each kind apart and reports a change once per change', () => {
    const d = new DemandSet(() => 0)
    d.add('b', id(1))
    d.add('x', id(2))
    d.add('m', id(3))
    const first = d.take()
    expect(first.changed).to.equal(true)
    expect([hexes(first.value.b), hexes(first.value.x), hexes(first.value.m)]).to.deep.equal([[toHex(id(1))], [toHex(id(2))], [toHex(id(3))]])
    d.add('b', id(1)) // asked again: same item
    expect(d.take().changed).to.equal(false)
    d.satisfied('x', id(2))
    const after = d.take()
    expect(after.changed).to.equal(true)
    expect(after.value.x).to.deep.equal([])
    expect(d.size).to.equal(2)
  })

  it('keeps at most DEMAND_MAX_IDS_PER_KIND per kind, the oldest request making room', () => {
    const d = new DemandSet(() => 0)
    for (let i = 1; i <= DEMAND_MAX_IDS_PER_KIND + 2; i++) d.add('b', id(i))
    const b = hexes(d.take().value.b)
    expect(b.length).to.equal(DEMAND_MAX_IDS_PER_KIND)
    expect(b[0]).to.equal(toHex(id(3)))
    expect(d.has('b', id(1))).to.equal(false)
    expect(d.has('b', id(DEMAND_MAX_IDS_PER_KIND + 2))).to.equal(true)
  })

  it('drops an id DEMAND_ID_TTL_MS after it was last asked for', () => {
    let now = 1_000
    const d = new DemandSet(() => now)
    d.add('m', id(7))
    d.take()
    now += DEMAND_ID_TTL_MS - 1
    expect(d.take().value.m.length).to.equal(1)
    d.add('m', id(7)) // asked again: the clock restarts
    now += DEMAND_ID_TTL_MS - 1
    expect(d.take().value.m.length).to.equal(1)
    now += 1
    const expired = d.take()
    expect(expired.changed).to.equal(true)
    expect(expired.value.m).to.deep.equal([])
  })

  it('drops an id once the node holds its item, however it came', () => {
    const held = new Set<string>()
    const d = new DemandSet(() => 0, (kind, x) => held.has(`${kind}:${toHex(x)}`))
    d.add('b', id(1))
    d.add('x', id(2))
    d.add('m', id(3))
    expect(d.take().changed).to.equal(true)
    expect(d.take().changed).to.equal(false)
    held.add(`x:${toHex(id(2))}`) // e.g. the transaction reached the pool by a peer's txTip
    held.add(`b:${toHex(id(3))}`) // an id of another kind is not the same item
    const after = d.take()
    expect(after.changed).to.equal(true)
    expect([hexes(after.value.b), hexes(after.value.x), hexes(after.value.m)]).to.deep.equal([[toHex(id(1))], [], [toHex(id(3))]])
    expect(d.has('x', id(2))).to.equal(false)
  })
})
