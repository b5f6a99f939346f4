/**
 * Preloaded into `dynzone serve` by the scale benchmark (`--expose-gc --import`): on SIGUSR2 it
 * forces a full garbage collection and prints `gc-probe {memoryUsage}` on stderr, so the
 * memory figures can tell a live heap from a heap V8 has not yet bothered to collect.
 */
process.on('SIGUSR2', () => {
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  process.stderr.write(
    `gc-probe ${JSON.stringify({ gc: collect !== undefined, ...process.memoryUsage() })}\n`,
  )
})
