// Links between pages: every id, key and height is a link to its page.
import { h } from './dom.js'
import { short } from './format.js'

export const blockLink = (id: string, text?: string): HTMLElement => h('a', { href: `#/block/${id}`, class: 'hex', title: id }, text ?? short(id))
export const heightLink = (n: number): HTMLElement => h('a', { href: `#/height/${n}` }, String(n))
export const txLink = (id: string): HTMLElement => h('a', { href: `#/tx/${id}`, class: 'hex', title: id }, short(id))
export const accountLink = (key: string, text?: string): HTMLElement => h('a', { href: `#/account/${key}`, class: 'hex', title: key }, text ?? short(key))
