import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Command } from './types.js'

const HELP = `Usage: tau-node send-message --api URL --token-file FILE --text TEXT [--to KEY] [--encrypt]

Sends a message from a running node's key (POST /messages of its API): signed, linked to the
node's previous message, stored and published on its msgTip and gossip channels.

  --api URL          the node's API [default: http://127.0.0.1:8080]
  --token-file FILE  the node's admin token (<data-dir>/admin-token)
  --text TEXT        the message text (≤ 512 UTF-8 bytes, ≤ 484 when encrypted)
  --to KEY           receiver public key (64 hex characters)
  --encrypt          encrypt for the receiver (needs --to); others see only that it is encrypted

Prints the message id and the message as JSON. Exit code 1 on any failure.`

export const sendMessage: Command = {
  name: 'send-message',
  summary: 'send a message from a running node (older form of messages send)',
  async run (args) {
    const { values } = parseArgs({
      args,
      options: {
        api: { type: 'string' }, 'token-file': { type: 'string' }, text: { type: 'string' }, to: { type: 'string' },
        encrypt: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
      }
    })
    if (values.help === true) { console.log(HELP); return 0 }
    if (values.text === undefined || values['token-file'] === undefined) {
      console.error('tau-node send-message: --text and --token-file are required (see --help)')
      return 1
    }
    if (values.encrypt === true && values.to === undefined) {
      console.error('tau-node send-message: --encrypt needs --to')
      return 1
    }
    let token: string
    try {
      token = readFileSync(values['token-file'], 'utf8').trim()
    } catch (e) {
      console.error(`tau-node send-message: cannot read the token file: ${(e as Error).message}`)
      return 1
    }
    const base = values.api ?? process.env.TAU_API ?? 'http://127.0.0.1:8080'
    let res: Response
    try {
      res = await fetch(new URL('/messages', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ text: values.text, to: values.to, encrypt: values.encrypt === true }),
        signal: AbortSignal.timeout(10_000)
      })
    } catch (e) {
      console.error(`tau-node send-message: cannot reach ${base}: ${(e as Error).message}`)
      return 1
    }
    const text = await res.text()
    if (!res.ok) { console.error(`tau-node send-message: HTTP ${res.status} ${text}`); return 1 }
    console.log(text)
    return 0
  }
}
