// Chain is node/'s one entry point to the ledger (chain/chain.ts): node/ reads and writes the
// store only through Chain's methods, never through `chain.store` or chain/store/ modules. The one
// exceptions are the offline store tools `tau-node check` and `tau-node restore`, which open a store
// without a Chain.
import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const STORE_TOOLS = new Set([join('node', 'commands', 'check.ts'), join('node', 'ops', 'restore.ts')])
const MAX_FILES = 2000

function sources (dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) sources(p, out)
    else if (name.endsWith('.ts')) out.push(p)
    if (out.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}`)
  }
  return out
}

describe('node/ reaches the ledger only through Chain', () => {
  it('no node/ module uses chain.store or imports chain/store/ (store tools excepted)', () => {
    const files = sources('node').filter(f => !STORE_TOOLS.has(f))
    expect(files.length).to.be.greaterThan(50)
    const offences: string[] = []
    for (const f of files) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '')
        if (/\bchain(\(\))?\.store\b/.test(code) || /from '[./]*chain\/store\//.test(code)) offences.push(`${f}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offences).to.deep.equal([])
  })
})
