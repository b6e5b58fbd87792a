import { parseArgs } from 'node:util'
import { isChainOrNodeError } from '../errors.js'
import { EXIT, exitCodeOf } from '../wallet/errors.js'
import { COMMON_OPTIONS, WalletContext } from '../wallet/options.js'
import { balance, history, txCommand } from '../wallet/read.js'
import { broadcast, bump, send } from '../wallet/send.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node wallet <command> [options]

Send transactions and follow them, from a key file, through a running node's API. Transactions are
signed in this process; the secret key never goes to the node. Amounts and fees are integers in the
chain's unit.

Commands:
  balance [KEY]             balance, nonce, power, effective power ⌊√power⌋, pending outgoing txs
  send --to KEY --amount N  transfer; nonce from the node, fee auto unless --fee F
       [--fee F|auto] [--memo TEXT] [--wait [--confirmations C] [--timeout S]]
       [--offline --nonce N --fee F]   sign without a node and print the hex (see broadcast)
  note [--memo TEXT]        a transaction that only builds power (kind 2); same --fee/--wait options
  tx ID                     pending / mined at height h with c confirmations / final / dropped / unknown
  history [KEY]             the account's transactions, newest first [--before N] [--limit N]
  bump ID --fee F           replace a pending transaction (same nonce, strictly higher fee)
  broadcast HEX             submit a transaction signed with send --offline

Options (every command):
  --api URL          the node's API [default: TAU_API, else http://<api-host>:<api-port> as for start]
  --key-file FILE    key file, plain or encrypted [default: <data-dir>/key.json, as for start]
  --data-dir DIR, --config FILE, --genesis FILE, --dev-key N   as for start (same TAU_* variables)
  --json             one JSON object on stdout, amounts as decimal strings
  --wait             follow the transaction until final (or --confirmations C); --timeout S [600]

An encrypted key file asks for its passphrase (no echo) or reads TAU_KEY_PASSPHRASE.

Exit codes: 0 ok; 1 other error; 2 usage; 3 node unreachable; 4 bad key file or passphrase;
5 refused before submitting (insufficient balance, fee below minimum, nonce gap, pool full for this
sender, not pending); 6 refused by the node; 7 unknown transaction; 8 dropped; 9 --wait timed out.`

const OPTIONS = {
  ...COMMON_OPTIONS,
  to: { type: 'string' }, amount: { type: 'string' }, fee: { type: 'string' }, memo: { type: 'string' },
  wait: { type: 'boolean' }, confirmations: { type: 'string' }, timeout: { type: 'string' },
  offline: { type: 'boolean' }, nonce: { type: 'string' }, before: { type: 'string' }, limit: { type: 'string' }
} as const

/** Which options each subcommand takes beyond the common ones (anything else is a usage error). */
const ALLOWED: Record<string, string[]> = {
  balance: [],
  send: ['to', 'amount', 'fee', 'memo', 'wait', 'confirmations', 'timeout', 'offline', 'nonce'],
  note: ['fee', 'memo', 'wait', 'confirmations', 'timeout', 'offline', 'nonce'],
  tx: [],
  history: ['before', 'limit'],
  bump: ['fee', 'wait', 'confirmations', 'timeout'],
  broadcast: ['wait', 'confirmations', 'timeout']
}

export const wallet: Command = {
  name: 'wallet',
  summary: 'send transactions, read balances and follow them (see wallet --help)',
  async run (args) {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true })
    const [sub, arg, ...extra] = positionals
    if (values.help === true || sub === undefined) { console.log(HELP); return sub === undefined && values.help !== true ? EXIT.USAGE : EXIT.OK }
    const allowed = ALLOWED[sub]
    if (allowed === undefined) { console.error(`tau-node wallet: unknown command "${sub}"\n\n${HELP}`); return EXIT.USAGE }
    const stray = Object.keys(values).filter(k => !(k in COMMON_OPTIONS) && !allowed.includes(k))
    const takesArg = ['balance', 'tx', 'history', 'bump', 'broadcast'].includes(sub)
    if (stray.length > 0 || extra.length > 0 || (!takesArg && arg !== undefined)) {
      console.error(`tau-node wallet ${sub}: ${stray.length > 0 ? `--${stray[0]} is not an option of ${sub}` : 'too many arguments'} (see tau-node wallet --help)`)
      return EXIT.USAGE
    }
    try {
      const w = new WalletContext(values, process.env)
      switch (sub) {
        case 'balance': return await balance(w, arg)
        case 'send': return await send(w, 'transfer')
        case 'note': return await send(w, 'note')
        case 'tx': return await txCommand(w, arg)
        case 'history': return await history(w, arg)
        case 'bump': return await bump(w, arg)
        default: return await broadcast(w, arg)
      }
    } catch (e) {
      if (!isChainOrNodeError(e)) throw e
      // One line on stderr; with --json also the code on stdout, so scripts need not parse text.
      console.error(`tau-node wallet ${sub}: ${e.message}`)
      if (values.json === true) console.log(JSON.stringify({ error: { code: e.code, message: e.message, ...e.data } }, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v, 2))
      return exitCodeOf(e)
    }
  }
}
