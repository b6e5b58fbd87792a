// The LevelDB handle and the open options, in a module of their own: the store's helper modules
// (staging, messages, scans, repair) and open.ts need these types, and taking them from store.ts
// tied store.ts and open.ts into an import cycle.
import type { ClassicLevel } from 'classic-level'

export type Db = ClassicLevel<Uint8Array, Uint8Array>

export interface StoreOptions {
  /** fsync every commit: survives power loss, not only process crashes; ~5× slower commits. Default false. */
  sync?: boolean
  /** 'quick' (default): check meta, the recent main chain and every account at open. 'none': skip it (repair tools). */
  check?: 'quick' | 'none'
  /** Rebuild the height index, state and undo records from the stored blocks before the check (`--reindex`). */
  reindex?: boolean
  /** Told when open() builds the account index of a store that predates it (a one-off migration). */
  onMigrate?: (what: string, detail: Record<string, unknown>) => void
  /** Inspect only (`tau-node check`): the open writes nothing (no digest migration record, no tip mark), so the next start still sees what it saw. */
  inspect?: boolean
}
