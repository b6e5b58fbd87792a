// jemalloc for the node processes the testnet (and the benches) start, as the container image and
// the systemd unit run the node: glibc's malloc keeps the pages a long sync fragmented (RssAnon
// after 8,000 blocks ~2.3× that after 500), jemalloc returns them (docs/operations.md, Memory).
// Preloading has to happen at exec, so it is the launcher's job; a node where the library is not
// installed runs on glibc's malloc as before.
import { existsSync } from 'node:fs'
import { JEMALLOC_LIBRARY } from './constants.js'

/** Debian's multiarch directory names, by Node's process.arch. */
const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu', riscv64: 'riscv64-linux-gnu' }

/** The path of an installed shared library `file` (Debian's multiarch directory and the usual other places), or undefined. */
export function installedLibrary (file: string): string | undefined {
  if (process.platform !== 'linux') return undefined
  const arch = MULTIARCH[process.arch]
  const dirs = [...(arch !== undefined ? [`/usr/lib/${arch}`, `/lib/${arch}`] : []), '/usr/lib64', '/usr/lib', '/usr/local/lib']
  return dirs.map(d => `${d}/${file}`).find(p => existsSync(p))
}

/** The path of an installed jemalloc (Debian's libjemalloc2), or undefined. */
export function jemallocPath (): string | undefined {
  return installedLibrary(JEMALLOC_LIBRARY)
}

/**
 * Sets LD_PRELOAD to jemalloc in a child's environment when it is installed and the environment
 * sets no LD_PRELOAD of its own (`LD_PRELOAD=` empty keeps glibc's malloc). Returns what the child
 * will run on ('preset': the environment's own preload, left alone).
 */
export function preloadJemalloc (env: NodeJS.ProcessEnv): 'jemalloc' | 'libc' | 'preset' {
  if (env.LD_PRELOAD !== undefined) return env.LD_PRELOAD === '' ? 'libc' : 'preset'
  const path = jemallocPath()
  if (path === undefined) return 'libc'
  env.LD_PRELOAD = path
  return 'jemalloc'
}
