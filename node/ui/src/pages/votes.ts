// The last voting rounds. The /votes answer grows (sampled keys with weights, each vote valid or
// void with a reason, tally, decision and why), so this page renders whatever fields it holds:
// known ones first in a fixed order, then any other, with 64-hex values linked to their pages.
import { LIVE_REDRAW_DEBOUNCE_MS, VOTES_MAX_DEPTH } from '../constants.js'
import { getJson } from '../api.js'
import { type Child, facts, h, replace, table } from '../dom.js'
import { HEX64, isoTime } from '../format.js'
import { accountLink, blockLink } from '../links.js'
import { onLive, debounce } from '../live.js'
import type { PageContext } from '../router.js'
import { heading } from './common.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const KEYISH = /key|voter|miner|sampled|from|to|who|peer/i
const ORDER = ['round', 'reason', 'startedAt', 'endedAt', 'decision', 'why', 'outcome', 'totalWeight', 'S', 'weightState', 'tally', 'sampled', 'votes']

function value (v: Json, field: string, depth: number): Child {
  if (v === null) return '–'
  if (typeof v === 'string') {
    if (HEX64.test(v)) return KEYISH.test(field) ? accountLink(v) : blockLink(v)
    return /At$/.test(field) && !Number.isNaN(Date.parse(v)) ? v.replace('T', ' ') : v
  }
  if (typeof v === 'number') return /At$|time/i.test(field) && v > 1e9 && v < 1e11 ? isoTime(v) : String(v)
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (depth >= VOTES_MAX_DEPTH) return h('code', null, JSON.stringify(v))
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every(x => typeof x === 'object' && x !== null && !Array.isArray(x))) {
      const rows = v as Array<{ [k: string]: Json }>
      const cols = [...new Set(rows.flatMap(r => Object.keys(r)))]
      return table(field, cols, rows.map(r => cols.map(c => r[c] === undefined ? '' : value(r[c], c, depth + 1))))
    }
    return v.length === 0 ? 'none' : h('ul', { class: 'plain' }, v.map(x => h('li', null, value(x, field, depth + 1))))
  }
  return record(v, depth + 1)
}

function record (o: { [k: string]: Json }, depth: number): HTMLElement {
  const keys = [...ORDER.filter(k => k in o), ...Object.keys(o).filter(k => !ORDER.includes(k))]
  return facts(keys.map((k): [string, Child] => [k, value(o[k], k, depth)]))
}

export async function votesPage ({ view, signal }: PageContext): Promise<void> {
  const box = h('div')
  const draw = async (): Promise<void> => {
    const r = await getJson<{ [k: string]: Json }>('/votes', signal)
    // Newest first: `recent` when the node keeps several rounds, else the last one alone.
    const recent = Array.isArray(r.recent) ? r.recent : Array.isArray(r.rounds) ? [...r.rounds].reverse() : r.lastRound !== undefined && r.lastRound !== null ? [r.lastRound] : []
    const rest = Object.fromEntries(Object.entries(r).filter(([k, v]) => k !== 'lastRound' && k !== 'recent' && !(k === 'rounds' && Array.isArray(v))))
    replace(box, record(rest, 0),
      recent.length === 0 ? h('p', { id: 'no-rounds' }, 'No voting round has run on this node yet.') : null,
      recent.map((round, i) => {
        const obj = typeof round === 'object' && round !== null && !Array.isArray(round) ? round : undefined
        const n = obj !== undefined && typeof obj.round === 'number' ? ` (round ${obj.round})` : ''
        return h('section', { class: 'round' }, h('h2', null, (i === 0 ? 'Last round' : 'Earlier round') + n),
          obj !== undefined ? record(obj, 0) : value(round, 'round', 0))
      }))
  }
  await draw()
  replace(view, ...heading('Votes', 'who was sampled, how each voted, the decision'), box)
  onLive('vote', signal, debounce(LIVE_REDRAW_DEBOUNCE_MS, signal, () => { draw().catch(() => {}) }))
}
