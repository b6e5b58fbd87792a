// The LRU is a chain primitive now (chain/lru.ts, usable by dht/ as well); this path stays for the
// store's own imports.
export { Lru } from '../lru.js'
