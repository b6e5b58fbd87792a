// A process's anonymous resident memory by kind, from /proc/<pid>/smaps (issue 21 item 3): the main
// malloc heap ([heap]), glibc thread arenas (mappings starting on a 64 MiB boundary, their
// reservation's alignment: a heuristic, a V8 reservation can also start there), thread stacks, and
// the rest (V8's pages, mmap'd buffers). In MB.
import { readFileSync } from 'node:fs'

export interface AnonKinds { heap: number, arenas: number, stacks: number, other: number }

export function anonByKind (pid: number): AnonKinds {
  const kb: AnonKinds = { heap: 0, arenas: 0, stacks: 0, other: 0 }
  let kind: keyof AnonKinds | '' = ''
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line)
    if (head !== null) {
      const start = BigInt('0x' + head[1])
      const name = head[4]
      if (name === '[heap]') kind = 'heap'
      else if (name.startsWith('[stack')) kind = 'stacks'
      else if (name !== '' && !name.startsWith('[anon')) kind = '' // file-backed: not counted
      else kind = start % (64n * 1024n * 1024n) === 0n ? 'arenas' : 'other'
      continue
    }
    const m = /^Anonymous:\s+(\d+) kB/.exec(line)
    if (m !== null && kind !== '') kb[kind] += Number(m[1])
  }
  const mb = (x: number): number => +(x / 1024).toFixed(1)
  return { heap: mb(kb.heap), arenas: mb(kb.arenas), stacks: mb(kb.stacks), other: mb(kb.other) }
}
