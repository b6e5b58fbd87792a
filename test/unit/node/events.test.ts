// EventHub resume with a real EventSource client (the `eventsource` package, which sends
// Last-Event-ID on reconnect like a browser) over a real HTTP server; the connection is cut by a
// loopback TCP proxy while events are published, and the client must get each event once, in order.
import { expect } from 'chai'
import { type Server, createServer } from 'node:http'
import { EventSource } from 'eventsource'
import { NodeEvents } from '../../../node/context.js'
import { EventHub, SSE_EVENT_TYPES } from '../../../node/api/events.js'
import { SSE_REPLAY_EVENTS } from '../../../node/api/constants.js'
import { startTcpProxy, type TcpProxy } from '../../helpers/tcpProxy.js'
import { waitFor } from '../../helpers/wait.js'

interface Got { type: string, id: string, data: Record<string, unknown> }

function listen (es: EventSource, got: Got[]): void {
  for (const type of ['hello', 'reset', 'warning']) {
    es.addEventListener(type, (e: MessageEvent) => { got.push({ type, id: e.lastEventId, data: JSON.parse(e.data as string) }) })
  }
}

describe('node/api EventHub: resumable /events', function () {
  this.timeout(30_000)
  let events: NodeEvents
  let hub: EventHub
  let server: Server
  let port: number
  let proxy: TcpProxy | undefined
  const open: EventSource[] = []

  beforeEach(async () => {
    events = new NodeEvents()
    hub = new EventHub(events)
    hub.start()
    server = createServer((req, res) => {
      const h = req.headers['last-event-id']
      hub.attach(res, new Set(SSE_EVENT_TYPES), typeof h === 'string' ? h : undefined)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
  })
  afterEach(async () => {
    for (const es of open) es.close()
    hub.stop()
    await proxy?.close(); proxy = undefined
    await new Promise<void>(resolve => server.close(() => resolve()))
  })

  const warn = (i: number): void => { events.emit('warning', { message: `w${i}` }) }
  const source = (p: number, lastEventId?: string): EventSource => {
    const es = new EventSource(`http://127.0.0.1:${p}/events`, lastEventId === undefined ? {} : {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'Last-Event-ID': lastEventId } })
    })
    open.push(es)
    return es
  }

  it('a client cut off while events go out gets each of them once, in order, on reconnect', async () => {
    proxy = await startTcpProxy(port)
    const got: Got[] = []
    const es = source(proxy.port)
    listen(es, got)
    await waitFor(() => got.some(g => g.type === 'hello'), { timeoutMs: 10_000, what: 'hello' })
    for (let i = 1; i <= 3; i++) warn(i)
    await waitFor(() => got.filter(g => g.type === 'warning').length === 3, { timeoutMs: 10_000, what: 'first three events' })
    proxy.hold() // the reconnect waits until the missed events exist
    proxy.drop()
    for (let i = 4; i <= 6; i++) warn(i)
    proxy.release()
    await waitFor(() => got.filter(g => g.type === 'warning').length >= 6, { timeoutMs: 15_000, what: 'replayed events' })
    warn(7)
    await waitFor(() => got.filter(g => g.type === 'warning').length >= 7, { timeoutMs: 10_000, what: 'live event after resume' })
    const warnings = got.filter(g => g.type === 'warning')
    expect(warnings.map(g => g.data.message)).to.deep.equal(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'])
    expect(warnings.map(g => g.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7].map(n => `${hub.runId}-${n}`))
    expect(got.filter(g => g.type === 'hello')).to.have.length(2) // two connections
    expect(got.some(g => g.type === 'reset')).to.equal(false)
    expect(hub.counters.replayed).to.equal(3)
  })

  it('an id of another run, or older than the replay buffer, gets an explicit reset', async () => {
    for (let i = 1; i <= SSE_REPLAY_EVENTS + 10; i++) warn(i)
    const cases: Array<[string, string]> = [[`${hub.runId}-5`, 'too-old'], ['0123456789ab-5', 'other-run'], ['nonsense', 'bad-id'], [`${hub.runId}-99999`, 'ahead']]
    for (const [lastId, reason] of cases) {
      const got: Got[] = []
      listen(source(port, lastId), got)
      await waitFor(() => got.some(g => g.type === 'reset'), { timeoutMs: 10_000, what: `reset for ${lastId}` })
      const reset = got.find(g => g.type === 'reset')!
      expect(reset.data).to.include({ reason, runId: hub.runId, lastId: hub.lastId })
      expect(reset.id).to.equal(hub.lastId) // resumes from here after re-reading the routes
      expect(got.filter(g => g.type === 'warning'), lastId).to.have.length(0)
    }
    // An id still inside the buffer replays exactly what followed it.
    const got: Got[] = []
    listen(source(port, `${hub.runId}-${SSE_REPLAY_EVENTS + 7}`), got)
    await waitFor(() => got.filter(g => g.type === 'warning').length === 3, { timeoutMs: 10_000, what: 'replay of the last three' })
    expect(got.filter(g => g.type === 'warning').map(g => g.data.message)).to.deep.equal([8, 9, 10].map(n => `w${SSE_REPLAY_EVENTS + n}`))
  })
})
