// Pieces every page uses: the heading (focus target after navigation), the not-found and error
// views, and a transaction table.
import { HttpError } from '../api.js'
import { type Child, h, replace, table } from '../dom.js'
import { amount, isoTime, short } from '../format.js'
import { accountLink, blockLink, txLink } from '../links.js'
import type { Tx } from '../types.js'

export const heading = (title: string, sub?: Child): HTMLElement[] => [
  h('h1', { tabindex: -1 }, title), ...(sub !== undefined && sub !== null && sub !== false ? [h('p', { class: 'sub' }, sub)] : [])
]

export function notFound (view: HTMLElement, what = 'page'): void {
  replace(view, h('section', { id: 'not-found' },
    ...heading('Not found'),
    h('p', null, `No ${what} matches this address on this node.`),
    h('p', null, h('a', { href: '#/' }, 'Back to the dashboard'))))
}

export function showError (e: unknown, view: HTMLElement): void {
  const msg = e instanceof HttpError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)
  replace(view, h('section', { id: 'error', role: 'alert' }, ...heading('Something went wrong'), h('p', null, msg),
    h('p', null, h('a', { href: location.hash || '#/' }, 'Try again'))))
}

/** Transactions; `self` marks the direction when shown on an account's page. */
export function txTable (caption: string, txs: Tx[], self?: string): HTMLElement {
  const head = ['id', ...(self !== undefined ? ['dir'] : []), 'from', 'to', 'amount', 'fee', 'nonce', 'block', 'time']
  return table(caption, head, txs.map(t => [
    txLink(t.id),
    ...(self !== undefined ? [t.from === self ? (t.to === self ? 'self' : 'out') : 'in'] : []),
    accountLink(t.from), t.to !== undefined ? accountLink(t.to) : t.kind, amount(t.amount), amount(t.fee), t.nonce,
    t.block !== undefined ? blockLink(t.block.id, String(t.block.height)) : 'pool',
    h('time', { datetime: new Date(t.timestamp * 1000).toISOString() }, isoTime(t.timestamp))
  ]), { class: 'txs' })
}

export const hexBlock = (hex: string): HTMLElement => h('code', { class: 'hex wrap' }, hex)
export const shortCode = (hex: string): HTMLElement => h('code', { class: 'hex', title: hex }, short(hex))
