import { parseArgs } from 'node:util'
import type { Command } from './types.js'

const HELP = `Usage: tau-node status [--api http://127.0.0.1:8080]

Prints the status of a running node (GET /status of its API) as JSON.
Exit code 1 if the node cannot be reached.`

export const status: Command = {
  name: 'status',
  summary: "print a running node's status",
  async run (args) {
    const { values } = parseArgs({ args, options: { api: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help === true) { console.log(HELP); return 0 }
    const base = values.api ?? process.env.TAU_API ?? `http://${process.env.TAU_API_HOST ?? '127.0.0.1'}:${process.env.TAU_API_PORT ?? '8080'}`
    let res: Response
    try {
      res = await fetch(new URL('/status', base), { signal: AbortSignal.timeout(5000) })
    } catch (e) {
      console.error(`tau-node status: cannot reach ${base}: ${(e as Error).message}`)
      return 1
    }
    console.log(JSON.stringify(await res.json(), null, 2))
    return res.ok ? 0 : 1
  }
}
