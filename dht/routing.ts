// The routing table (and this node's DHT id) saved in the data dir on stop and read on start, so
// a restarted node rejoins through the peers it knew instead of only its configured bootstrap
// list. The file is a cache: a missing or corrupt file means "start fresh", never a failure.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIPv4 } from 'node:net'
import { join } from 'node:path'
import { fromHex, toHex } from '../chain/hex.js'
import { ID_BYTES, MAX_SAVED_NODES } from './constants.js'

export const ROUTING_FILE = 'dht-routing.json'

export interface SavedNode { id: Uint8Array, host: string, port: number }
export interface SavedRouting { id?: Uint8Array, nodes: SavedNode[] }

interface FileBody { version: 1, id: string, nodes: Array<{ id: string, host: string, port: number }> }

export function loadRouting (dataDir: string): SavedRouting {
  let body: Partial<FileBody>
  try {
    body = JSON.parse(readFileSync(join(dataDir, ROUTING_FILE), 'utf8')) as Partial<FileBody>
  } catch {
    return { nodes: [] }
  }
  const id = parseId(body.id)
  const nodes: SavedNode[] = []
  for (const n of Array.isArray(body.nodes) ? body.nodes.slice(0, MAX_SAVED_NODES) : []) {
    const nid = parseId(n?.id)
    if (nid === undefined || typeof n.host !== 'string' || !isIPv4(n.host)) continue
    if (!Number.isInteger(n.port) || n.port < 1 || n.port > 65535) continue
    nodes.push({ id: nid, host: n.host, port: n.port })
  }
  return { id, nodes }
}

export function saveRouting (dataDir: string, id: Uint8Array, nodes: SavedNode[]): void {
  const body: FileBody = {
    version: 1,
    id: toHex(id),
    nodes: nodes.slice(0, MAX_SAVED_NODES).map(n => ({ id: toHex(n.id), host: n.host, port: n.port }))
  }
  const file = join(dataDir, ROUTING_FILE)
  writeFileSync(file + '.tmp', JSON.stringify(body, null, 1) + '\n')
  renameSync(file + '.tmp', file)
}

function parseId (x: unknown): Uint8Array | undefined {
  if (typeof x !== 'string') return undefined
  try {
    return fromHex(x, ID_BYTES)
  } catch {
    return undefined
  }
}
