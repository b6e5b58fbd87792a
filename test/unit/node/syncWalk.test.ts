// The sync walk's two passes over a built chain held in a map (the fetch is a lookup: these tests
// are about which blocks the walk asks for and what it yields; the network path is tested in
// test/integration/sync-walk.test.ts).
import { expect } from 'chai'
import { type Block, blockId, signBlock } from '../../../chain/block.js'
import { checkpointHeight } from '../../../chain/consensus/pot.js'
import { toHex } from '../../../chain/hex.js'
import { type WalkDeps, segmentsUp, walkSegment, walkSpine } from '../../../node/pipelines/syncWalk.js'
import { type Built, ChainBuilder, testNet } from '../../helpers/chainBuilder.js'

const M = 6
const net = testNet({ mutableRange: M })

describe('node/pipelines/syncWalk', () => {
  const builder = new ChainBuilder(net)
  const chain: Built[] = builder.extend(builder.root, 50, { speed: 'fast' })
  const byId = new Map(chain.map(b => [toHex(b.id), b.block]))

  /** Holds genesis and the first `held` blocks; counts fetches; `swap` answers some ids with other blocks. */
  function deps (held: number, swap = new Map<string, Block>()): WalkDeps & { fetched: string[] } {
    const heldIds = new Set([toHex(net.genesis.blockId), ...chain.slice(0, held).map(b => toHex(b.id))])
    const fetched: string[] = []
    return {
      fetched,
      hasBlock: id => heldIds.has(toHex(id)),
      fetch: async id => { fetched.push(toHex(id)); return swap.get(toHex(id)) ?? byId.get(toHex(id)) ?? null },
      mutableRange: M,
      maxBlocks: 100_000
    }
  }

  async function collect (d: WalkDeps, spine: Block[], ahead: number): Promise<Array<Block[] | string>> {
    const out: Array<Block[] | string> = []
    for await (const seg of segmentsUp(d, spine, ahead)) out.push(seg)
    return out
  }

  it('follows the checkpoints down to one we hold, one fetch per M blocks', async () => {
    const d = deps(0)
    const tip = chain[49].block // height 50: cp 42, then 36, 30, …, 6, 0 (genesis, held)
    const r = await walkSpine(d, tip)
    if (typeof r === 'string') throw new Error(r)
    expect(r.spine.map(b => b.n)).to.deep.equal([50, 42, 36, 30, 24, 18, 12, 6])
    for (let i = 1; i < r.spine.length; i++) expect(r.spine[i].n).to.equal(checkpointHeight(r.spine[i - 1].n, M))
    expect(d.fetched.length).to.equal(7)
  })

  it('yields every block above the fork point exactly once, lowest first, linked by parent', async () => {
    for (const held of [0, 17, 18, 19, 44, 49]) {
      const d = deps(held)
      const r = await walkSpine(d, chain[49].block)
      if (typeof r === 'string') throw new Error(r)
      const segs = await collect(d, r.spine, 3)
      const blocks = segs.flatMap(s => { if (typeof s === 'string') throw new Error(s); return s })
      expect(blocks.map(b => b.n), `held ${held}`).to.deep.equal(chain.slice(held).map(b => b.block.n))
      for (let i = 1; i < blocks.length; i++) expect(toHex(blocks[i].p)).to.equal(toHex(blockId(blocks[i - 1])))
    }
  })

  it('walks at most `ahead` segments beyond what the consumer took', async () => {
    const d = deps(0)
    const r = await walkSpine(d, chain[49].block)
    if (typeof r === 'string') throw new Error(r)
    const afterSpine = d.fetched.length
    const gen = segmentsUp(d, r.spine, 2)
    await gen.next() // the lowest segment; the one above it is being walked too
    await new Promise(resolve => setImmediate(resolve))
    const walked = new Set(d.fetched.slice(afterSpine).map(id => byId.get(id)!.n))
    expect(Math.max(...walked)).to.be.below(18) // segments 1–5 and 7–11 only, not 13–17 and up
    await gen.return(undefined)
  })

  it('calls a checkpoint at the wrong height, a checkpoint off its segment, and a wrong height in a segment bad', async () => {
    const key = net.keys[0]
    const top = chain[49].block
    // A signed tip whose checkpoint names block 12 (cp(51) is 42): the spine fetches it and refuses.
    const liar = signBlock({ ...top, n: 51, p: chain[49].id, i: chain[11].id }, key.secretKey)
    expect(await walkSpine(deps(0), liar)).to.equal('bad')
    // The same tip walked as a segment: by parents it reaches height 42 on another id than its `i`.
    expect(await walkSegment(deps(0), liar)).to.equal('bad')
    // A peer that answers the id of block 47 with block 46: a height gap inside a segment.
    expect(await walkSegment(deps(0, new Map([[toHex(chain[46].id), chain[45].block]])), top)).to.equal('bad')
    // And a block nobody has is missing, not bad.
    const d = deps(0); const lost = toHex(chain[47].id)
    d.fetch = async id => toHex(id) === lost ? null : byId.get(toHex(id)) ?? null
    expect(await walkSegment(d, top)).to.equal('missing')
  })
})
