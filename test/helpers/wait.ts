// Waiting with a deadline: the only way tests wait. The implementation is the testnet tool's
// (scripts/testnet/wait.ts), so tests and scripts share one; tests retry a probe that throws
// (a node still starting), and on timeout the error carries the last error and what `describe` saw.
import { type WaitOptions, waitFor as wait } from '../../scripts/testnet/wait.js'

export { AbortedError, TimeoutError, type WaitOptions } from '../../scripts/testnet/wait.js'

export function waitFor<T> (fn: () => T | undefined | false | null | Promise<T | undefined | false | null>, opts: WaitOptions): Promise<T> {
  return wait(fn, { retryErrors: true, ...opts })
}
