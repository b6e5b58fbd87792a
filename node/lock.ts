// A lock file in the data dir so two nodes never share one: the second refuses with a clear
// error. A lock left by a process that no longer exists (a crash, SIGKILL) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { NodeError } from './errors.js'

export const LOCK_FILE = 'tau-node.lock'

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function acquireLock (dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' })
      return () => {
        try { unlinkSync(path) } catch { /* already gone */ }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(readFileSync(path, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new NodeError('NODE_LOCKED', `data dir ${dataDir} is in use by another tau-node (pid ${pid}); stop it first`)
      }
      unlinkSync(path) // stale: its process is gone
    }
  }
  throw new NodeError('NODE_LOCKED', `cannot take the lock ${path}`)
}
