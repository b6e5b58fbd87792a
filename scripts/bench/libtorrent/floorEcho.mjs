// The far side of the UDP floor probe (floor.ts) in a process of its own: plain JavaScript, no
// loader, so it measures Node's UDP path alone. Echoes every datagram to its sender; answers the
// parent's 'cpu' with its CPU so far (µs) and exits on 'exit' (or when the parent goes away).
import dgram from 'node:dgram'

const socket = dgram.createSocket('udp4')
socket.on('message', (m, from) => { socket.send(m, from.port, from.address) })
socket.bind(0, '127.0.0.1', () => { process.send?.({ port: socket.address().port }) })
process.on('message', m => {
  if (m === 'cpu') { const u = process.cpuUsage(); process.send?.({ cpuUs: u.user + u.system }) }
  if (m === 'exit') { socket.close(); process.exit(0) }
})
process.on('disconnect', () => { process.exit(0) })
