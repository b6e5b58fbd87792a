// The transfer sender against an in-memory node API that applies the pool's nonce rules: nonces
// follow on, a rejection never leaves a gap, and a SIGKILLed node's lost pool is refilled.
import { expect } from 'chai'
import { keyPairFromSeed } from '../../../../chain/crypto.js'
import { toHex } from '../../../../chain/hex.js'
import { decodeTx, txId } from '../../../../chain/tx.js'
import { ApiError, type TxStatus } from '../../../../scripts/testnet/api.js'
import type { Testnet } from '../../../../scripts/testnet/network.js'
import { TxSender, explainUnknown } from '../../../../scripts/testnet/txSender.js'

/** One shared "chain" (mined nonces) and a pool per node; only what TxSender touches. */
class FakeApis {
  readonly minedNonce = new Map<string, number>()
  readonly pools: Array<Map<string, { from: string, nonce: number }>> = []
  readonly mined = new Set<string>()
  rejectNext?: string

  api (node: number): Record<string, unknown> {
    this.pools[node] = new Map()
    return {
      account: async (pk: string) => ({ balance: '1', nonce: this.minedNonce.get(pk) ?? 0, power: 1 }),
      submitTx: async (hex: string) => {
        if (this.rejectNext !== undefined) { const c = this.rejectNext; this.rejectNext = undefined; throw new ApiError(409, c, c) }
        const tx = decodeTx(new Uint8Array(Buffer.from(hex, 'hex')))
        const from = toHex(tx.f)
        const at = this.minedNonce.get(from) ?? 0
        if (tx.n <= at) throw new ApiError(409, 'POOL_NONCE_TOO_LOW', `nonce ${tx.n}, sender is at ${at}`)
        for (const p of this.pools) for (const t of p.values()) if (t.from === from && t.nonce === tx.n) throw new ApiError(409, 'POOL_REPLACEMENT_FEE_TOO_LOW', 'taken')
        const id = toHex(txId(tx))
        this.pools[node].set(id, { from, nonce: tx.n })
        return id
      },
      tx: async (id: string): Promise<TxStatus | undefined> => {
        if (this.mined.has(id)) return { id, status: 'mined', blockId: 'b' }
        return this.pools.some(p => p.has(id)) ? { id, status: 'pool' } : undefined
      }
    }
  }

  /** Mines every pooled transfer whose nonce follows on, on the one chain. */
  mine (): void {
    for (let changed = true; changed;) {
      changed = false
      for (const p of this.pools) {
        for (const [id, t] of p) {
          if (t.nonce === (this.minedNonce.get(t.from) ?? 0) + 1) { this.minedNonce.set(t.from, t.nonce); this.mined.add(id); p.delete(id); changed = true }
        }
      }
    }
  }
}

function fakeNet (apis: FakeApis, count: number): Testnet & { kill: (i: number) => void } {
  const nodes = Array.from({ length: count }, (_, i) => {
    const key = keyPairFromSeed(`txsender-${i}`)
    return { index: i, name: `node-${i}`, key, pubkey: toHex(key.publicKey), proc: { running: true }, api: apis.api(i) }
  })
  const accounts = nodes.map(n => ({ index: n.index, name: n.name, key: n.key, pubkey: n.pubkey, home: n.index }))
  const net = {
    nodes,
    accounts,
    kills: [] as Array<{ index: number, atMs: number }>,
    genesis: { chainId: new Uint8Array(16) },
    get running () { return nodes.filter(n => n.proc.running) },
    nodeAt: (i: number) => nodes[i],
    kill (i: number) { nodes[i].proc.running = false; apis.pools[i].clear(); net.kills.push({ index: i, atMs: Date.now() }) }
  }
  return net as unknown as Testnet & { kill: (i: number) => void }
}

describe('testnet transfer sender', () => {
  it('numbers nonces from the account, one after another, per sender', async () => {
    const apis = new FakeApis()
    const tx = new TxSender(fakeNet(apis, 2))
    const sent = await Promise.all([tx.send(0, 1, 't'), tx.send(0, 1, 't'), tx.send(1, 0, 't'), tx.send(0, 1, 't')])
    expect(sent.map(s => s?.nonce)).to.deep.equal([1, 2, 1, 3])
    apis.mine()
    const c = await tx.check(tx.sent.map(s => s.id))
    expect(c.mined).to.equal(4)
  })

  it('a rejection does not use up the nonce; a taken nonce is skipped; the account nonce is read each time', async () => {
    const apis = new FakeApis()
    const tx = new TxSender(fakeNet(apis, 2))
    await tx.send(0, 1, 't')
    apis.rejectNext = 'POOL_FULL'
    expect(await tx.send(0, 1, 't')).to.equal(undefined)
    expect((await tx.send(0, 1, 't'))?.nonce).to.equal(2)
    apis.rejectNext = 'POOL_REPLACEMENT_FEE_TOO_LOW'
    expect(await tx.send(0, 1, 't')).to.equal(undefined)
    expect((await tx.send(0, 1, 't'))?.nonce).to.equal(4)
    apis.mine()
    apis.minedNonce.set(toHex(keyPairFromSeed('txsender-0').publicKey), 9) // the account moved on elsewhere
    expect((await tx.send(0, 1, 't'))?.nonce).to.equal(10)
    apis.rejectNext = 'POOL_NONCE_TOO_LOW'
    expect(await tx.send(0, 1, 't')).to.equal(undefined)
    expect((await tx.send(0, 1, 't'))?.nonce).to.equal(10 + 1)
    expect(tx.rejectionCodes()).to.deep.equal({ POOL_FULL: 1, POOL_REPLACEMENT_FEE_TOO_LOW: 1, POOL_NONCE_TOO_LOW: 1 })
  })

  it('refills the gap after the node holding its pending transfers is SIGKILLed, and explains the loss', async () => {
    const apis = new FakeApis()
    const net = fakeNet(apis, 2)
    const tx = new TxSender(net)
    const first = await tx.send(1, 0, 't')
    apis.mine()
    const pending = await tx.send(1, 0, 't') // nonce 2, only in node-1's pool
    expect(pending?.nonce).to.equal(2)
    await new Promise(resolve => setTimeout(resolve, 5))
    net.kill(1)
    // Next send goes through node-0 and starts again from the account nonce: 2, not 3.
    const after = await tx.send(1, 0, 't')
    expect(after?.via).to.equal(0)
    expect(after?.nonce).to.equal(2)
    apis.mine()
    const c = await tx.check([first?.id ?? '', pending?.id ?? '', after?.id ?? ''])
    // The pending one's nonce was used by its replacement: replaced, not lost.
    expect(c).to.deep.include({ mined: 2, replaced: 1, lost: 0 })
  })

  it('keeps at most 8 unmined transfers per sender, and refills a nonce some pool dropped', async () => {
    const apis = new FakeApis()
    const tx = new TxSender(fakeNet(apis, 1))
    for (let i = 0; i < 8; i++) expect((await tx.send(0, 0, 'load'))?.nonce).to.equal(i + 1)
    expect(await tx.send(0, 0, 'load')).to.equal(undefined)
    expect(tx.throttled.get('load')).to.equal(1)
    expect(tx.rejected).to.deep.equal([])
    // A pool drops nonce 1 (as a rollback beyond the pool window can): nothing behind it can be mined.
    const first = tx.sent[0].id
    apis.pools[0].delete(first)
    const refill = await tx.send(0, 0, 'load')
    expect(refill?.nonce).to.equal(1)
    apis.mine()
    const c = await tx.check(tx.sent.map(s => s.id))
    expect(c).to.deep.include({ mined: 8, replaced: 1, lost: 0 })
    expect(c.fates.get(first)).to.equal('replaced')
  })

  it('explains an unknown transfer: replaced, dropped with a killed node, or lost', () => {
    const s = { id: 'x', from: 0, to: 1, via: 0, nonce: 3, atMs: 0, tag: 't' }
    expect(explainUnknown(s, 3, false)).to.equal('replaced')
    expect(explainUnknown(s, 2, true)).to.equal('dropped')
    expect(explainUnknown(s, 2, false)).to.equal('lost')
    expect(explainUnknown(s, undefined, false)).to.equal('lost')
  })
})
