/** `dynzone serve`: run the HTTP update endpoints and the built-in DNS server until signalled. */
import { openContext, startServer } from '../app.ts'
import { createLogger } from '../observability/logger.ts'
import { configFrom, type GlobalOptions } from './context.ts'
import { ensureDemo } from './demo.ts'
import { EXIT } from './exit-codes.ts'
import type { CliIo } from './io.ts'

/** Runs the server; resolves with the exit code after SIGTERM/SIGINT. */
export async function serve(options: GlobalOptions, io: CliIo): Promise<number> {
  const config = configFrom(options, io)
  if (typeof config === 'number') return config
  const logger = createLogger(config.log.level)
  const opened = await openContext(config, logger)
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
  const dns =
    server.dns === null ? 'off' : `${config.dns.listen}:${String(server.dns.port)} (UDP+TCP)`
  io.err(`dynzone: HTTP on ${config.http.listen}:${String(server.httpPort)}, DNS on ${dns}\n`)
  logger.info(
    {
      http: server.httpPort,
      dns: server.dns?.port ?? null,
      zones: opened.value.zones.map((z) => z.name),
    },
    'started',
  )
  for (const line of await ensureDemo(server)) io.out(line + '\n')
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down')
      void (async () => {
        await server.close()
        await opened.value.close()
        resolve(EXIT.ok)
      })()
    }
    process.once('SIGTERM', () => {
      stop('SIGTERM')
    })
    process.once('SIGINT', () => {
      stop('SIGINT')
    })
  })
}
