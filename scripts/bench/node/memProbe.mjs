// Preloaded into bench node processes (node --import): on SIGUSR2 prints one JSON line with
// process.memoryUsage(), so a bench can read heap figures the node does not otherwise expose.
process.on('SIGUSR2', () => {
  const m = process.memoryUsage()
  process.stdout.write(JSON.stringify({ message: 'bench memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, timestamp: new Date().toISOString() }) + '\n')
})
