// Named tau-node.js so the CLI's invoked-directly check passes. Runs bin/tau-node.js with the V8 CPU profiler on (for launchers that cannot pass --cpu-prof, such
// as the testnet's nodeScript); the profile is written at exit to $PROF_DIR/<pid>.cpuprofile.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'

const session = new Session()
session.connect()
session.post('Profiler.enable')
session.post('Profiler.setSamplingInterval', { interval: 1000 })
session.post('Profiler.start')
process.on('exit', () => {
  // Same-thread inspector sessions answer synchronously, so this runs before the process ends.
  session.post('Profiler.stop', (err, r) => {
    if (err === null && process.env.PROF_DIR !== undefined) writeFileSync(join(process.env.PROF_DIR, `${process.pid}.cpuprofile`), JSON.stringify(r.profile))
  })
})
await import('../../../../bin/tau-node.js')
