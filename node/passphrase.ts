// Where a key file's passphrase comes from: TAU_KEY_PASSPHRASE (services, scripts, tests), else a
// prompt on the terminal that echoes nothing. The prompt is @inquirer/password: raw-mode terminal
// handling (no echo, backspace, Ctrl-C restoring the terminal) is easy to get subtly wrong by hand,
// and that package is small and widely kept. Without a terminal and without the variable, a clear
// coded error instead of a hang on a stdin nobody writes to.
import { NodeError } from './errors.js'
import { PASSPHRASE_MAX_CHARS, PASSPHRASE_MIN_CHARS } from '../chain/keystoreConstants.js'

export const PASSPHRASE_ENV = 'TAU_KEY_PASSPHRASE'

export interface PassphraseOptions {
  /** New key files: ask twice and require PASSPHRASE_MIN_CHARS. */
  confirm?: boolean
  /** What the prompt names, e.g. the key file path. */
  label: string
  env?: NodeJS.ProcessEnv
}

function check (p: string, isNew: boolean): string {
  if (p.length > PASSPHRASE_MAX_CHARS) throw new NodeError('KEYFILE_BAD_PASSPHRASE', `a passphrase has at most ${PASSPHRASE_MAX_CHARS} characters`)
  if (isNew && p.length < PASSPHRASE_MIN_CHARS) throw new NodeError('KEYFILE_WEAK_PASSPHRASE', `a new passphrase needs at least ${PASSPHRASE_MIN_CHARS} characters`)
  if (p.length === 0) throw new NodeError('KEYFILE_BAD_PASSPHRASE', 'empty passphrase')
  return p
}

export async function getPassphrase (o: PassphraseOptions): Promise<string> {
  const env = o.env ?? process.env
  const fromEnv = env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return check(fromEnv, o.confirm === true)
  if (process.stdin.isTTY !== true) {
    throw new NodeError('KEYFILE_NO_PASSPHRASE', `${o.label} is encrypted: set ${PASSPHRASE_ENV} or run in a terminal to be asked`)
  }
  // The prompt writes to stderr so that stdout stays the command's answer (a key, a tx id, JSON).
  // Loaded only when a prompt is really needed, so other commands do not pay for it at start-up.
  const { default: password } = await import('@inquirer/password')
  const ctx = { output: process.stderr }
  const first = check(await password({ message: `Passphrase for ${o.label}:`, mask: false }, ctx), o.confirm === true)
  if (o.confirm === true) {
    const again = await password({ message: 'Repeat the passphrase:', mask: false }, ctx)
    if (again !== first) throw new NodeError('KEYFILE_PASSPHRASE_MISMATCH', 'the two passphrases differ')
  }
  return first
}
