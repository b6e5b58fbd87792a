// node/youngGeneration.ts: V8's young generation stays small while the node idles or mines (a worker
// thread starting, which resets V8's flags, does not undo that), grows during a long sync (fewer
// scavenges: the sync's GC share fell from ~25 % to ~8 % of its main thread), and the sync's memory
// release shrinks it back. Without it (a user's own semi-space flag) V8 grows it and keeps it.
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('../../helpers/youngGenerationChild.ts', import.meta.url))
interface Sizes { idle: number, sync: number, syncFactor: number | null, factor: number | null, released: number, now: number }
const run = (mode: string): Sizes => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', CHILD, mode], { encoding: 'utf8', timeout: 60_000 }).trim()) as Sizes

describe('node/youngGeneration', function () {
  this.timeout(120_000)

  it('small when idle, even after a worker starts; grown during a sync; shrunk by the release after it', () => {
    const s = run('manage')
    expect(s.syncFactor).to.equal(2)
    expect(s.factor).to.equal(1)
    expect(s.idle, 'MiB idle').to.be.at.most(4) // V8 starts at 1 MiB; start-up may grow it once or twice
    expect(s.sync, 'MiB during a sync').to.be.at.least(16)
    expect(s.released, 'MiB after the release').to.be.at.most(4)
    expect(s.now).to.be.at.most(4)
  })

  it('left alone (the user sized it): V8 grows it while idle', () => {
    const s = run('leave')
    expect(s.factor).to.equal(null)
    expect(s.idle, 'MiB idle, unmanaged').to.be.at.least(16)
  })
})
