// A small seeded generator (mulberry32), so a run's node choices can be repeated with DHTSIM_SEED.
export type Rng = () => number

export function seeded (seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` distinct elements of `xs` (all of them when there are fewer), in random order. */
export function pick<T> (xs: readonly T[], count: number, rng: Rng): T[] {
  const a = [...xs]
  const n = Math.min(count, a.length)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (a.length - i))
    const t = a[i]; a[i] = a[j]; a[j] = t
  }
  return a.slice(0, n)
}
