// Routing tables of a loopback DHT network that started its engines side by side: the first ones'
// tables miss the later ones until each node has walked for its own id, as a joining node does.
import type { DhtEngine } from '../../dht/engine.js'
import { waitFor } from './wait.js'

/** Waits until every engine knows 3 nodes, then runs one walk per engine for its own id. */
export async function settleTables (engines: DhtEngine[], timeoutMs = 20_000): Promise<void> {
  await waitFor(() => engines.every(x => x.nodeCount() >= 3), { timeoutMs, what: 'routing tables' })
  await Promise.all(engines.map(async x => await x.recursiveGet(x.nodeId)))
}
