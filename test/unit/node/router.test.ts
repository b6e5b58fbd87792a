// The router holds parts to SIGNAL_ROUTES: a producer may emit only the types routed from it, a
// pipeline may subscribe only to the types routed to it, and each subscriber gets only its types.
import { expect } from 'chai'
import { SignalRouter } from '../../../node/router.js'
import { SIGNAL_ROUTES, SIGNAL_TYPES, type Signal } from '../../../node/signals.js'

const peer = new Uint8Array(32).fill(1)

describe('node/router: signals go only where SIGNAL_ROUTES says', () => {
  it('refuses a producer or a consumer the table does not name, at the call that asks', () => {
    const r = new SignalRouter()
    expect(() => r.producer('readers', 'GET_TX_FOR_MINING')).to.throw(/not produced by readers/)
    expect(() => r.on('sync', 'TIP_BLOCK_FROM_PEER_FOR_MINING')).to.throw(/not consumed by sync/)
    expect(() => r.on('messages', 'GOSSIP_FROM_PEER', 'TIP_TX_FOR_MINING')).to.throw(/TIP_TX_FOR_MINING is not consumed by messages/)
  })

  it('an emitter refuses a type it was not made for', () => {
    const r = new SignalRouter()
    const emit = r.producer('readers', 'TIP_TX_FOR_MINING') as (s: Signal) => void
    expect(() => emit({ type: 'TIP_MSG_FROM_PEER', peer, id: peer })).to.throw(/readers may not emit TIP_MSG_FROM_PEER/)
    expect(r.counts.get('TIP_MSG_FROM_PEER')).to.equal(undefined)
  })

  it('hands each subscriber its types only, and counts every emit', () => {
    const r = new SignalRouter()
    const pool: string[] = []
    const demand: string[] = []
    r.on('pool', 'TIP_TX_FOR_MINING').subscribe(s => pool.push(s.type))
    r.on('demand', 'BLOCK_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER').subscribe(s => demand.push(s.type))
    const emit = r.producer('readers', 'TIP_TX_FOR_MINING', 'BLOCK_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER', 'TIP_MSG_FROM_PEER')
    emit({ type: 'TIP_TX_FOR_MINING', peer, ids: [] })
    emit({ type: 'MSG_DEMAND_FROM_PEER', peer, ids: [] })
    emit({ type: 'TIP_MSG_FROM_PEER', peer, id: peer })
    emit({ type: 'BLOCK_DEMAND_FROM_PEER', peer, ids: [] })
    expect(pool).to.deep.equal(['TIP_TX_FOR_MINING'])
    expect(demand).to.deep.equal(['MSG_DEMAND_FROM_PEER', 'BLOCK_DEMAND_FROM_PEER'])
    expect(r.counts.get('TIP_MSG_FROM_PEER')).to.equal(1)
    expect([...r.consumers.keys()].sort()).to.deep.equal(['BLOCK_DEMAND_FROM_PEER', 'MSG_DEMAND_FROM_PEER', 'TIP_TX_FOR_MINING'])
  })

  it('the table names one producer and one consumer for every signal type', () => {
    expect(SIGNAL_TYPES.length).to.equal(15)
    for (const t of SIGNAL_TYPES) {
      expect(SIGNAL_ROUTES[t].producer, t).to.be.a('string').and.not.equal('')
      expect(SIGNAL_ROUTES[t].consumer, t).to.be.a('string').and.not.equal('')
    }
  })
})
