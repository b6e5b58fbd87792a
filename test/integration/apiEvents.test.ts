// /events resume on a real node with the `eventsource` client: transactions submitted while the
// client is away are replayed when it comes back with the last id it saw; an id of another run
// gets a reset event.
import { expect } from 'chai'
import { EventSource } from 'eventsource'
import { toHex } from '../../chain/hex.js'
import { createTransfer, encodeTx, txId } from '../../chain/tx.js'
import { KEYS, type Fixture, startApiNode, stopApiNode } from '../helpers/apiNode.js'
import { waitFor } from '../helpers/wait.js'

interface Got { type: string, id: string, data: Record<string, unknown> }

describe('GET /events resume on a real node', function () {
  this.timeout(60_000)
  let f: Fixture | undefined
  const open: EventSource[] = []
  after(async () => { for (const es of open) es.close(); await stopApiNode(f) })

  const connect = (lastEventId?: string): Got[] => {
    const got: Got[] = []
    const es = new EventSource(`${f!.base}/events?types=tx`, lastEventId === undefined ? {} : {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'Last-Event-ID': lastEventId } })
    })
    open.push(es)
    for (const type of ['hello', 'reset', 'tx']) es.addEventListener(type, (e: MessageEvent) => { got.push({ type, id: e.lastEventId, data: JSON.parse(e.data as string) }) })
    return got
  }
  let nonce = 0
  const submit = async (): Promise<string> => {
    const tx = createTransfer(KEYS[1].secretKey, KEYS[1].publicKey, { chainId: f!.genesis.chainId, to: KEYS[2].publicKey, amount: 1, fee: 2, nonce: ++nonce, timestamp: Math.floor(Date.now() / 1000) })
    const res = await fetch(`${f!.base}/tx`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(encodeTx(tx)) }) })
    expect(res.status).to.equal(200)
    return toHex(txId(tx))
  }

  it('replays the transactions a client missed, then resets a client of another run', async () => {
    f = await startApiNode({ blocks: 2, txsPerBlock: 0 })
    nonce = (await (await fetch(`${f.base}/account/${toHex(KEYS[1].publicKey)}`)).json() as { nonce: number }).nonce
    const first = connect()
    await waitFor(() => first.some(g => g.type === 'hello'), { timeoutMs: 10_000, what: 'hello' })
    const runId = first[0].data.runId as string
    const t1 = await submit()
    await waitFor(() => first.some(g => g.type === 'tx'), { timeoutMs: 10_000, what: 'tx event' })
    const seen = first.find(g => g.type === 'tx')!
    expect(seen.data.id).to.equal(t1)
    expect(seen.id).to.match(new RegExp(`^${runId}-\\d+$`))
    open[0].close()
    const missed = [await submit(), await submit()]
    const back = connect(seen.id)
    await waitFor(() => back.filter(g => g.type === 'tx').length === 2, { timeoutMs: 10_000, what: 'replayed tx events' })
    expect(back.filter(g => g.type === 'tx').map(g => g.data.id)).to.deep.equal(missed)
    expect(back.some(g => g.type === 'reset')).to.equal(false)

    const stranger = connect('000000000000-3')
    await waitFor(() => stranger.some(g => g.type === 'reset'), { timeoutMs: 10_000, what: 'reset event' })
    expect(stranger.find(g => g.type === 'reset')!.data).to.include({ reason: 'other-run', runId })
    expect(stranger.some(g => g.type === 'tx')).to.equal(false)
  })
})
