// Reading a JSON file with coded errors: `<PREFIX>_UNREADABLE` when the file cannot be read,
// `<PREFIX>_BAD_JSON` when it does not parse. Genesis, key and config files all go through it.
import { readFileSync } from 'node:fs'
import { ChainError } from './errors.js'

export function readJsonFile (path: string, what: string, codePrefix: 'GENESIS' | 'KEYFILE' | 'CONFIG'): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ChainError(`${codePrefix}_UNREADABLE`, `cannot read ${what} ${path}: ${(e as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ChainError(`${codePrefix}_BAD_JSON`, `${what} ${path} is not valid JSON: ${(e as Error).message}`)
  }
}
