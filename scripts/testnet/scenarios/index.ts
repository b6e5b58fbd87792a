// The scenarios by name. tx-load is different: it starts a background stream (see txLoad.ts).
import type { ScenarioName } from '../args.js'
import { join } from './join.js'
import { partition } from './partition.js'
import { kill, restart } from './restart.js'
import type { Scenario } from './types.js'

export const SEQUENTIAL_SCENARIOS: Record<Exclude<ScenarioName, 'tx-load'>, Scenario> = { kill, restart, join, partition }

export { TxLoad } from './txLoad.js'
export type { Scenario, ScenarioContext, ScenarioResult } from './types.js'
