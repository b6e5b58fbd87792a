// Text forms shared by the pages. Pure: no DOM, so tests can import it.
export const HEX64 = /^[0-9a-fA-F]{64}$/

export function short (hex: string, n = 8): string {
  return hex.length <= 2 * n + 1 ? hex : `${hex.slice(0, n)}…${hex.slice(-4)}`
}

/** Decimal strings grouped by thousands, exact for any size (amounts are strings in the API). */
export function amount (dec: string | undefined): string {
  if (dec === undefined || !/^\d+$/.test(dec)) return dec ?? '–'
  return dec.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

export function ago (unixS: number, nowMs: number = Date.now()): string {
  const d = Math.round(nowMs / 1000 - unixS)
  if (d < 0) return 'in the future'
  if (d < 90) return `${d} s ago`
  if (d < 5400) return `${Math.round(d / 60)} min ago`
  if (d < 129600) return `${Math.round(d / 3600)} h ago`
  return `${Math.round(d / 86400)} d ago`
}

export function isoTime (unixS: number): string {
  return new Date(unixS * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

/** A memo's hex as text when it is printable UTF-8, else undefined. */
export function memoText (hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(hex)) return undefined
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return /^[\P{C}\n\t]*$/u.test(t) ? t : undefined
  } catch { return undefined }
}

/** What a search string can be, before asking the node. */
export type SearchKind = { kind: 'height', height: number } | { kind: 'hex', hex: string } | { kind: 'invalid' }

export function classifySearch (q: string): SearchKind {
  const t = q.trim()
  if (/^\d{1,15}$/.test(t)) return { kind: 'height', height: Number(t) }
  if (HEX64.test(t)) return { kind: 'hex', hex: t.toLowerCase() }
  return { kind: 'invalid' }
}
