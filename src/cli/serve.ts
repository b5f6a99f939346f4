/** `dynzone serve`: run the HTTP update endpoints and the built-in DNS server until signalled. */
import { openContext, startServer, type RunningServer } from '../app.ts'
import { openServiceLogger } from '../observability/log-targets.ts'
import { configFrom, type GlobalOptions } from './context.ts'
import { ensureDemo } from './demo.ts'
import { reloadConfig } from './reload.ts'
import { EXIT } from './exit-codes.ts'
import type { CliIo } from './io.ts'

/** Runs the server; resolves with the exit code after SIGTERM/SIGINT or a listener's failure. */
export async function serve(options: GlobalOptions, io: CliIo): Promise<number> {
  const config = configFrom(options, io)
  if (typeof config === 'number') return config
  const service = openServiceLogger(config.log)
  if (typeof service === 'string') {
    io.err(`dynzone: invalid configuration\n${service}\n`)
    return EXIT.config
  }
  const logger = service.logger
  const opened = await openContext(config, logger, true)
  if (!opened.ok) {
    io.err(`dynzone: ${opened.error}\n`)
    return EXIT.unavailable
  }
  const started = await startServer(opened.value)
  if (!started.ok) {
    io.err(`dynzone: ${started.error}\n`)
    await opened.value.close()
    return EXIT.unavailable
  }
  const server = started.value
  // Handlers first: a signal that arrives while start-up lines print must not kill the process.
  // A listener that stops on its own stops everything, with a non-zero code: never half alive.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string, code: number): void => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'shutting down')
      void (async () => {
        await server.close()
        await opened.value.close()
        await service.close()
        resolve(code)
      })()
    }
    process.once('SIGTERM', () => {
      stop('SIGTERM', EXIT.ok)
    })
    process.once('SIGINT', () => {
      stop('SIGINT', EXIT.ok)
    })
    void server.failed.then((reason) => {
      if (stopping) return
      logger.error({ reason }, 'a listener stopped; stopping everything')
      io.err(`dynzone: ${reason}; stopping\n`)
      stop('listener failure', EXIT.unavailable)
    })
    let current = config
    process.on('SIGHUP', () => {
      current = reloadConfig(options, io, current, logger)
      server.reloadCertificates('SIGHUP')
    })
  })
  logger.info(
    {
      http: server.httpPort,
      dns: server.dns?.port ?? null,
      zones: opened.value.zones.map((z) => z.name),
    },
    'started',
  )
  printBanner(io, server, await ensureDemo(server))
  return stopped
}

/**
 * The start-up banner for the person at the terminal (the demo's `curl` and `dig` lines, the
 * listeners). It goes to stderr: stdout carries only log lines, which a collector parses.
 */
function printBanner(io: CliIo, server: RunningServer, demo: readonly string[]): void {
  const { config } = server.context
  const dns =
    server.dns === null ? 'off' : `${config.dns.listen}:${String(server.dns.port)} (UDP+TCP)`
  const https =
    server.httpsPort === null ? '' : `, HTTPS on ${config.https.listen}:${String(server.httpsPort)}`
  const lines = [
    ...demo,
    `dynzone: HTTP on ${config.http.listen}:${String(server.httpPort)}${https}, DNS on ${dns}`,
  ]
  io.err(lines.map((l) => l + '\n').join(''))
}
