// The command line of the testnet tool, shared by `npm run testnet` and `tau-node testnet`.
// Ctrl-C (or SIGTERM) stops every node (SIGTERM, SIGKILL after a grace period) and removes the dirs
// unless --keep; a second Ctrl-C SIGKILLs the nodes at once and exits.
import { ArgsError, HELP, parseTestnetArgs } from './args.js'
import { JsonReporter, type Reporter, TableReporter } from './output.js'
import { runTestnet } from './run.js'

export async function testnetMain (argv: string[]): Promise<number> {
  // --emit writes container files instead of running a testnet here (emitCompose.ts).
  if (argv.some(a => a === '--emit' || a.startsWith('--emit='))) return (await import('./emitCompose.js')).emitMain(argv)
  let args
  try {
    args = parseTestnetArgs(argv)
  } catch (e) {
    if (e instanceof ArgsError) {
      console.error(`testnet: ${e.message}\nRun with --help for the options.`)
      return 2
    }
    throw e
  }
  if (args.help) { console.log(HELP); return 0 }
  const reporter: Reporter = args.json ? new JsonReporter() : new TableReporter()
  const ac = new AbortController()
  let signals = 0
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++
    if (signals === 1) {
      reporter.event({ phase: 'interrupted', signal: sig, note: 'stopping every node; press Ctrl-C again to kill them now' }, 0)
      ac.abort()
    } else {
      // process.exit runs the testnet's exit hook, which SIGKILLs every node it started, by pid.
      process.exit(130)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  try {
    // TAU_TESTNET_NODE_SCRIPT swaps the node for a stand-in: only the tool's own tests set it.
    const nodeScript = process.env.TAU_TESTNET_NODE_SCRIPT
    const { summary, interrupted } = await runTestnet({ ...args, nodeScript }, reporter, ac.signal)
    reporter.summary(summary)
    return interrupted ? 130 : summary.ok ? 0 : 1
  } catch (e) {
    // Set-up errors (ports in use, a non-empty --dir): nothing was started.
    console.error(`testnet: ${(e as Error).message}`)
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onSignal)
  }
}
