// Whether a client address is on this machine: admin and private routes answer only such clients.
/** Admin routes: loopback clients with the data dir's bearer token only. */
export function isLoopback (addr: string | undefined): boolean {
  return addr !== undefined && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'))
}
