import { parseArgs } from 'node:util'
import { generateKeyPair, writeKeyFile } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node keygen --out FILE

Generates a new BIP340 key pair and writes it as JSON to FILE with mode 0600.
Refuses to overwrite an existing file. Prints the public key (your account and peer id).`

export const keygen: Command = {
  name: 'keygen',
  summary: 'generate a key file (JSON, mode 0600)',
  async run (args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) { console.log(HELP); return 0 }
    if (values.out === undefined) { console.error(HELP); return 2 }
    const kp = generateKeyPair()
    writeKeyFile(values.out, kp)
    console.log(toHex(kp.publicKey))
    return 0
  }
}
