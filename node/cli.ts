// tau-node command line. Each subcommand lives in node/commands/; this file only dispatches.
import { isChainOrNodeError } from './errors.js'
import { COMMANDS } from './commands/index.js'

const USAGE = `tau-node: a TAU network node (Proof of Transaction over a private BEP44 DHT)

Usage: tau-node <command> [options]

Commands:
${COMMANDS.map(c => `  ${c.name.padEnd(16)}${c.summary}`).join('\n')}

Options:
  --version, -v   print the version
  --help, -h      this text

Run "tau-node <command> --help" for a command's options.`

const USAGE_CODES: ReadonlySet<string> = new Set(['CONFIG_BAD_VALUE', 'CONFIG_CONFLICT', 'CONFIG_UNKNOWN_KEY', 'GENESIS_BAD_FLAG'])

export async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE)
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v') {
    console.log((await import('./version.js')).VERSION)
    return 0
  }
  const cmd = COMMANDS.find(c => c.name === name)
  if (cmd === undefined) {
    console.error(`tau-node: unknown command "${name}"\n\n${USAGE}`)
    return 2
  }
  try {
    return await cmd.run(rest)
  } catch (e) {
    if (isChainOrNodeError(e)) {
      console.error(`tau-node ${name}: ${e.message}`)
      // A bad setting is a usage error (exit 2), like an unknown flag; anything else failed (exit 1).
      return USAGE_CODES.has(e.code) ? 2 : 1
    }
    // node:util parseArgs reports unknown or malformed options this way: a usage error.
    if (typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`tau-node ${name}: ${(e as Error).message}\nRun "tau-node ${name} --help" for its options.`)
      return 2
    }
    throw e
  }
}

// Run when executed directly (npm start, bin/tau-node.js), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && /cli\.ts$|tau-node(\.js)?$/.test(process.argv[1])
if (invokedDirectly) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code }, (e: unknown) => {
    console.error('tau-node: unexpected error:', e)
    process.exitCode = 1
  })
}
