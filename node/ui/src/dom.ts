// A small element builder in place of a UI framework: pages are tables and lists rebuilt from
// JSON, so plain DOM calls are enough. Never sets a `style` attribute (the page's CSP forbids
// inline style); text always goes in as text nodes, never as HTML.
export type Child = Node | string | number | null | undefined | false | Child[]
type AttrValue = string | number | boolean | undefined | null | ((ev: Event) => void)
export type Attrs = Record<string, AttrValue>

function append (el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(typeof c === 'number' ? String(c) : c)
  }
}

function setAttrs (el: Element, attrs: Attrs | null | undefined): void {
  if (attrs === null || attrs === undefined) return
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (typeof v === 'function') el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
}

export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  setAttrs(el, attrs)
  append(el, children)
  return el
}

const SVG_NS = 'http://www.w3.org/2000/svg'
export function s<K extends keyof SVGElementTagNameMap> (tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag)
  setAttrs(el, attrs)
  append(el, children)
  return el
}

/** A table from a header row and body rows; `caption` names it for screen readers. */
export function table (caption: string, head: string[], rows: Child[][], attrs?: Attrs): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', attrs ?? null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, head.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.length === 0 ? h('tr', null, h('td', { colspan: head.length, class: 'empty' }, 'none')) : rows.map(r => h('tr', null, r.map(c => h('td', null, c)))))
  ))
}

/** Key–value pairs as a definition list. */
export function facts (pairs: Array<[string, Child]>, attrs?: Attrs): HTMLElement {
  return h('dl', { class: 'facts', ...attrs }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))
}

export function replace (parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}
