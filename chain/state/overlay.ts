// Copy-on-write state over a base view: validation and block application write here, and the
// chain commits `changes` (with the prior values as undo) in one store batch.
import type { Account, StateView } from './account.js'
import { toHex } from '../hex.js'

export class StateOverlay implements StateView {
  /** hex key → account after the changes. */
  readonly changes = new Map<string, { key: Uint8Array, account: Account }>()

  constructor (readonly base: StateView) {}

  getAccount (key: Uint8Array): Account | undefined {
    const c = this.changes.get(toHex(key))
    return c !== undefined ? c.account : this.base.getAccount(key)
  }

  setAccount (key: Uint8Array, account: Account): void {
    this.changes.set(toHex(key), { key, account })
  }
}
