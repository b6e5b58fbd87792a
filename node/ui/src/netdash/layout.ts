// Places the timeline's blocks: x is the height, lane 0 is the chain ending at the main tip, and
// every other block (a fork some node held, then left in a reorg) goes on a branch lane below,
// continuing its parent's lane when it extends it. Pure (no DOM), so tests import it.
export interface LayoutBlock { id: string, parent: string, height: number }
export interface Placed<B> { block: B, lane: number, main: boolean }
export interface Layout<B> { placed: Array<Placed<B>>, edges: Array<{ from: Placed<B>, to: Placed<B> }>, lanes: number, minHeight: number, maxHeight: number }

export function layoutTimeline<B extends LayoutBlock> (blocks: readonly B[], mainTip: string | null): Layout<B> {
  const byId = new Map(blocks.map(b => [b.id, b]))
  const main = new Set<string>()
  // Walk back from the main tip as far as the kept blocks go (bounded by their number).
  for (let id = mainTip ?? '', i = 0; byId.has(id) && i <= blocks.length; i++) {
    main.add(id)
    id = byId.get(id)?.parent ?? ''
  }
  const placedById = new Map<string, Placed<B>>()
  const laneEnd: number[] = [Number.POSITIVE_INFINITY]
  const sorted = [...blocks].sort((a, b) => a.height - b.height || (a.id < b.id ? -1 : 1))
  for (const b of sorted) {
    if (main.has(b.id)) { placedById.set(b.id, { block: b, lane: 0, main: true }); continue }
    const parent = placedById.get(b.parent)
    let lane: number
    if (parent !== undefined && parent.lane > 0 && laneEnd[parent.lane] === parent.block.height) lane = parent.lane
    else {
      lane = laneEnd.findIndex((end, i) => i > 0 && end < b.height - 1)
      if (lane === -1) { lane = laneEnd.length; laneEnd.push(b.height) }
    }
    laneEnd[lane] = b.height
    placedById.set(b.id, { block: b, lane, main: false })
  }
  const placed = [...placedById.values()]
  const edges = placed.flatMap(p => {
    const parent = placedById.get(p.block.parent)
    return parent !== undefined ? [{ from: parent, to: p }] : []
  })
  const heights = placed.map(p => p.block.height)
  return {
    placed, edges, lanes: laneEnd.length,
    minHeight: heights.length > 0 ? Math.min(...heights) : 0,
    maxHeight: heights.length > 0 ? Math.max(...heights) : 0
  }
}
