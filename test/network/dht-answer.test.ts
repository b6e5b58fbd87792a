// A `get` for an object the node's store holds is answered with the stored bytes as they are
// (handler.ts, Bencoded): the reader gets exactly those bytes, and bytes that are not a DHT value
// (not a bencoded dict) are never served, whatever the store hands back. Real UDP on 127.0.0.1.
import { expect } from 'chai'
import { encodeCanonical } from '../../chain/bencode.js'
import { sha256 } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { DhtEngine } from '../../dht/engine.js'
import { Getter } from '../../dht/get.js'

describe('dht answers from the store', function () {
  this.timeout(20_000)
  const holder = new DhtEngine({ port: 0 })
  const reader = new DhtEngine({ port: 0 })
  const stored = new Map<string, Uint8Array>()
  const put = (bytes: Uint8Array): Uint8Array => { const id = sha256(bytes); stored.set(toHex(id), bytes); return id }

  before(async () => {
    await holder.start()
    await reader.start()
    holder.setLookup(t => stored.get(toHex(t)))
  })
  after(async () => {
    await reader.stop()
    await holder.stop()
  })

  it('serves a stored object\'s canonical bytes unchanged, and never bytes that are not a dict', async () => {
    const obj = encodeCanonical({ a: 7, b: new Uint8Array([1, 2, 3]), l: [new Uint8Array([9])] })
    const id = put(obj)
    const notADict = put(encodeCanonical([new Uint8Array([1]), 2])) // a list hashing to its id
    const getter = new Getter(reader, { directTimeoutMs: 3000, timeoutMs: 6000 })
    const got = await getter.getImmutable(id, { endpoint: holder.endpoint })
    expect(got?.path).to.equal('direct')
    expect(toHex(got!.value)).to.equal(toHex(obj))
    const errors = holder.stats.traffic.handlerErrors
    expect(await reader.directGet(holder.endpoint, notADict, 3000).then(r => r?.v)).to.equal(undefined)
    expect(holder.stats.traffic.handlerErrors).to.equal(errors + 1)
  })
})
