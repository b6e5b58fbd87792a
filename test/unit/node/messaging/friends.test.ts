// Friends (kept in <data-dir>/messaging/friends.json, merged with the config's) and contact
// requests (bounded): coded errors for bad input, persistence across a restart, config friends.
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isChainOrNodeError } from '../../../../node/errors.js'
import { MAX_CONTACT_REQUESTS, MAX_FRIENDS } from '../../../../node/messaging/constants.js'
import { FriendBook } from '../../../../node/messaging/friends.js'
import { RequestBook } from '../../../../node/messaging/requests.js'
import { makeTmpDir, removeDir } from '../../../helpers/tmp.js'

const key = (i: number): string => i.toString(16).padStart(64, '0')
const SELF = 'f'.repeat(64)

function code (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return isChainOrNodeError(e) ? e.code : 'other' }
  return undefined
}

describe('messaging: friends and contact requests', () => {
  let dir: string
  beforeEach(() => { dir = makeTmpDir('tau-friends-') })
  afterEach(() => { removeDir(dir) })

  it('adds, renames and removes friends, keeps them across a restart, and merges the config ones', () => {
    const a = new FriendBook(dir, SELF, [{ key: key(9).toUpperCase(), name: 'cfg' }])
    expect(a.add(key(1), 'bob')).to.deep.include({ added: true })
    expect(a.add(key(1).toUpperCase(), 'robert').added, 'same key in upper case').to.equal(false)
    expect(a.get(key(1))?.name).to.equal('robert')
    a.add(key(2))
    expect(a.remove(key(2))).to.equal(true)
    expect(a.remove(key(2))).to.equal(false)
    const b = new FriendBook(dir, SELF, [{ key: key(9) }])
    expect(b.list().map(f => [f.key, f.name, f.fromConfig])).to.deep.equal([[key(1), 'robert', false], [key(9), null, true]])
    // Config friends are not written to the file (the config brings them back).
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'friends.json'), 'utf8')) as object)).to.deep.equal([key(1)])
    b.heard(key(1), 5, new TextEncoder().encode('Bobby'))
    b.heard(key(1), 7, undefined) // not an interval PROTOCOL §9 lists: ignored
    expect(b.get(key(1))).to.include({ interval: 5, nickname: 'Bobby' })
  })

  it('refuses bad keys, names, itself and too many friends with coded errors', () => {
    const a = new FriendBook(undefined, SELF)
    expect(code(() => a.add('xyz'))).to.equal('MSG_BAD_FRIEND')
    expect(code(() => a.add(key(1), ''))).to.equal('MSG_BAD_FRIEND')
    expect(code(() => a.add(key(1), 'é'.repeat(17)))).to.equal('MSG_BAD_FRIEND')
    expect(code(() => a.add(SELF))).to.equal('MSG_BAD_FRIEND')
    expect(code(() => new FriendBook(undefined, SELF, [{ key: 'nothex' }]))).to.equal('MSG_BAD_FRIEND')
    for (let i = 0; i < MAX_FRIENDS; i++) a.add(key(i + 1))
    expect(code(() => a.add(key(MAX_FRIENDS + 1)))).to.equal('MSG_TOO_MANY_FRIENDS')
    expect(a.size).to.equal(MAX_FRIENDS)
  })

  it('counts sightings per key and stays bounded, dropping the oldest request', () => {
    let now = 1000
    const r = new RequestBook(() => now)
    expect(r.note(key(1), null, 'gossip')).to.equal(true)
    now++
    expect(r.note(key(1), key(100), 'message')).to.equal(false)
    expect(r.get(key(1))).to.include({ count: 2, latest: key(100), via: 'message', firstSeen: 1000, lastSeen: 1001 })
    for (let i = 2; i <= MAX_CONTACT_REQUESTS + 1; i++) { now++; r.note(key(i), null, 'pushed-gossip') }
    expect(r.list().length).to.equal(MAX_CONTACT_REQUESTS)
    expect(r.get(key(1)), 'the oldest went first').to.equal(undefined)
    expect(r.list()[0].key, 'newest first').to.equal(key(MAX_CONTACT_REQUESTS + 1))
  })
})
