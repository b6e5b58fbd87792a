// Child process for test/unit/node/youngGeneration.test.ts (V8's flags are process-wide, so the
// test runs them here, not in mocha's process). Argument `manage`: node/youngGeneration.ts takes the
// young generation over; anything else leaves V8's default growth. A worker thread starts in each
// phase (a starting worker resets V8's flags to their defaults). Prints one JSON line of new-space
// sizes in MiB: idle (after churn), during a sync (after churn), and after the sync's memory release.
import { getHeapSpaceStatistics } from 'node:v8'
import { Worker } from 'node:worker_threads'
import { releaseMemory } from '../../node/memory.js'
import { manageYoungGeneration, youngGenerationFactor, youngGenerationForSync } from '../../node/youngGeneration.js'

const newSpaceMiB = (): number => (getHeapSpaceStatistics().find(x => x.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20
/** Short-lived garbage with some survivors at each scavenge: what makes V8 grow the young generation. */
function churn (): number {
  let keep: Array<{ i: number, s: string }> = []
  for (let i = 0; i < 3_000_000; i++) {
    keep.push({ i, s: `x${i}` })
    if (keep.length > 20_000) keep = []
  }
  return keep.length
}
async function workerComesOnline (): Promise<void> {
  const w = new Worker('setTimeout(() => {}, 10)', { eval: true })
  await new Promise(resolve => w.once('online', resolve))
  await w.terminate()
}

if (process.argv[2] === 'manage') manageYoungGeneration()
await workerComesOnline()
churn()
const idle = newSpaceMiB()
youngGenerationForSync(true)
const syncFactor = youngGenerationFactor()
await workerComesOnline()
churn()
const sync = newSpaceMiB()
youngGenerationForSync(false)
// The release's timers do not hold the process open: this one does, until it logged (or 10 s).
const hold = setTimeout(() => { console.log('{"error":"no release line within 10 s"}') }, 10_000)
releaseMemory({
  info: (_msg, meta) => {
    clearTimeout(hold)
    const released = (meta?.newSpaceMB as number[] | undefined)?.[1]
    console.log(JSON.stringify({ idle, sync, syncFactor, factor: youngGenerationFactor(), released, now: newSpaceMiB() }))
  }
}, { gapMs: 50, maxGcs: 2 })
