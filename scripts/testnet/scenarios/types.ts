// What every scenario receives and returns.
import type { ScenarioName } from '../args.js'
import type { Testnet } from '../network.js'
import type { TxSender } from '../txSender.js'

export interface ScenarioContext {
  net: Testnet
  tx: TxSender
  /** Progress events (printed as lines, or JSON lines with --json). */
  report: (event: Record<string, unknown>) => void
  /** Transfers per second for tx-load. */
  txRate: number
  /** How long the partition scenario keeps the groups apart [default: partitionMs(blockTime)]. */
  partitionMs?: number
  /** Least time a node stays down in kill and restart [default: one block time]. */
  downMs?: number
}

export interface ScenarioResult {
  name: ScenarioName
  ok: boolean
  /** From the end of the disturbance (restart, heal, join) until every node reports one tip hash. */
  convergenceMs: number | null
  startedAtMs: number
  endedAtMs: number
  /** Scenario-specific figures (heights, exit codes, transaction fates, reorg depths…). */
  details: Record<string, unknown>
  error?: string
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioResult>
