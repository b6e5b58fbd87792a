// Waiting for a promise at most `ms`: for shutdown and rejoin steps that must not hold the engine
// up when the library never calls back.

/** Resolves when `p` settles or after `ms`, whichever comes first; never rejects for the timeout. */
export async function settleWithin (p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([p, new Promise<void>(resolve => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
}
