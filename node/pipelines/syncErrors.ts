// Why a sync, or a branch fetch asked for by another pipeline, ended without a chain import.
// Each is a code a caller can branch on (voting retries another voter on SYNC_TIP_MISSING, gives
// up on SYNC_TIP_INVALID) and a log can count.

export type SyncErrorCode =
  /** The caller's AbortSignal fired, or the node is stopping. */
  | 'SYNC_ABORTED'
  /** The tip block the peer published could not be fetched. */
  | 'SYNC_TIP_MISSING'
  /** The tip block is not what the claim said, or fails its header checks (code in `detail`). */
  | 'SYNC_TIP_INVALID'
  /** A block below the tip could not be fetched. */
  | 'SYNC_BRANCH_MISSING'
  /** A block below the tip is at the wrong height or is not the checkpoint it should be. */
  | 'SYNC_BRANCH_INVALID'
  /** A transaction of the branch could not be fetched. */
  | 'SYNC_TXS_MISSING'
  /** The chain refused the import call itself (its ChainError code in `detail`). */
  | 'SYNC_IMPORT_FAILED'

export class SyncError extends Error {
  constructor (readonly code: SyncErrorCode, message: string, readonly detail?: string) {
    super(message)
    this.name = 'SyncError'
  }
}
