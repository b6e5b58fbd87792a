import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { NodeError } from '../errors.js'
import { generateKeyPair, writeKeyFile, writeSecretJsonFile } from '../../chain/crypto.js'
import { toHex } from '../../chain/hex.js'
import { encryptKeyPair } from '../../chain/keystore.js'
import { getPassphrase } from '../passphrase.js'
import type { Command } from './types.js'

const HELP = `Usage: tau-node keygen --out FILE [--encrypt]

Generates a new BIP340 key pair and writes it as JSON to FILE with mode 0600.
Refuses to overwrite an existing file. Prints the public key (your account and peer id).

  --encrypt   seal the secret key with a passphrase (scrypt + AES-256-GCM, file version 2).
              The passphrase is asked twice on the terminal (no echo), or read from
              TAU_KEY_PASSPHRASE; at least 8 characters. start and wallet ask for it (or read
              TAU_KEY_PASSPHRASE) when they need the secret.`

export const keygen: Command = {
  name: 'keygen',
  summary: 'generate a key file (JSON, mode 0600; --encrypt seals it with a passphrase)',
  async run (args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string', short: 'o' }, encrypt: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
    if (values.help) { console.log(HELP); return 0 }
    if (values.out === undefined) { console.error(HELP); return 2 }
    // Checked before the passphrase prompt too, so nobody types a passphrase for nothing.
    if (existsSync(values.out)) throw new NodeError('KEYFILE_EXISTS', `key file ${values.out} already exists; refusing to overwrite it`)
    const kp = generateKeyPair()
    if (values.encrypt === true) {
      const passphrase = await getPassphrase({ label: `the new key file ${values.out}`, confirm: true })
      writeSecretJsonFile(values.out, encryptKeyPair(kp, passphrase))
    } else {
      writeKeyFile(values.out, kp)
    }
    console.log(toHex(kp.publicKey))
    return 0
  }
}
