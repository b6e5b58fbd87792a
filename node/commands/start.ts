import { parseArgs } from 'node:util'
import { SETTINGS, configHelp, loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { TauNode } from '../node.js'
import { unlockNodeKey } from '../key.js'
import { explainStartError } from '../startErrors.js'
import { SHUTDOWN_GRACE_MS } from '../constants.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node start [options]

Starts a node: opens (or creates) the chain in --data-dir, joins the DHT through --bootstrap,
syncs, votes when its chain is empty or stale, mines unless --no-mine, and serves the HTTP API.
Settings come from flags, then TAU_* environment variables, then --config FILE, then defaults.
SIGINT/SIGTERM stop it cleanly (exit 0); a second signal forces an exit.

Options:
${configHelp()}
  --help                  this text`

export const start: Command = {
  name: 'start',
  summary: 'run a node (mine, sync, serve the API)',
  async run (args) {
    const options: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' }, help: { type: 'boolean' } }
    for (const s of SETTINGS) options[s.flag] = { type: s.key === 'mine' || s.key === 'reindex' || s.key === 'ui' || s.key === 'apiPublic' ? 'boolean' : 'string' }
    options['no-mine'] = { type: 'boolean' }
    options['no-ui'] = { type: 'boolean' }
    const { values } = parseArgs({ args, options, strict: true })
    if (values.help === true) { console.log(HELP); return 0 }
    const flags = values as Record<string, string | boolean | undefined>
    if (flags['no-mine'] === true) flags.mine = false
    if (flags['no-ui'] === true) flags.ui = false
    const cfg = loadConfig(flags, process.env)
    const log = createLogger(cfg.logLevel, cfg.logFormat)
    const key = await unlockNodeKey(cfg)
    let node: TauNode
    try {
      node = await TauNode.start(cfg, log, { key })
    } catch (e) {
      throw explainStartError(e, cfg) ?? e
    }
    return await new Promise<number>(resolve => {
      let signals = 0
      const onSignal = (sig: NodeJS.Signals): void => {
        signals++
        if (signals > 1) {
          log.warn('second signal: forcing exit', { signal: sig })
          process.exit(1)
        }
        log.info('stopping', { signal: sig })
        const force = setTimeout(() => { log.error('stop took too long: forcing exit'); process.exit(1) }, SHUTDOWN_GRACE_MS)
        force.unref()
        node.stop().then(() => resolve(0), (e: unknown) => { log.error('stop failed', { err: String(e) }); resolve(1) })
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      // A bug must not leave a half-stopped node: log it with its stack, close the store and DHT
      // cleanly (every commit is atomic, so nothing is lost), and exit non-zero for the supervisor.
      const onFatal = (kind: string) => (e: unknown): void => {
        log.error(`fatal: ${kind}`, { err: e instanceof Error ? e.stack ?? e.message : String(e) })
        const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS)
        force.unref()
        node.stop().finally(() => resolve(1))
      }
      process.on('uncaughtException', onFatal('uncaught exception'))
      process.on('unhandledRejection', onFatal('unhandled rejection'))
    })
  }
}
