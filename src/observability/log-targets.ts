/**
 * Where the service logs: stdout (journald under systemd, `docker logs`), a size-rotated
 * file (pino-roll, in pino's transport worker), or syslog through util-linux `logger`, the
 * portable way to reach /dev/log (Node has no Unix datagram sockets) or a UDP syslog server.
 * Each line keeps its severity: it is sent with a `<PRI>` prefix (facility daemon).
 */
import { spawn } from 'node:child_process'
import { dirname } from 'node:path'
import { mkdirSync } from 'node:fs'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { createLogger, type Logger } from './logger.ts'
import { prettyDestination } from './pretty-lines.ts'

/** The `[log]` settings. */
export interface LogSettings {
  readonly level: string
  readonly target: string
  /** `json` (one JSON object a line) or `pretty` (for a terminal; stdout only). */
  readonly format: string
  readonly file: string
  readonly file_max_size: string
  readonly file_keep: number
  readonly syslog_server: string
}

/** A logger with its target, closed (flushed) on shutdown. */
export interface ServiceLogger {
  readonly logger: Logger
  close(): Promise<void>
}

// pino level → syslog severity (RFC 5424 §6.2.1), facility daemon (3).
const SEVERITY: Record<string, number> = { '60': 2, '50': 3, '40': 4, '30': 6, '20': 7, '10': 7 }
const DAEMON = 3 * 8

/** Opens the configured target; a file or syslog that cannot be opened is an error. */
export function openServiceLogger(settings: LogSettings): ServiceLogger | string {
  if (settings.format === 'pretty' && settings.target !== 'stdout')
    return `log.format: "pretty" is for target = "stdout"; files and syslog get JSON lines`
  switch (settings.target) {
    case 'file':
      return fileLogger(settings)
    case 'syslog':
      return syslogLogger(settings)
    default: {
      const logger = createLogger(
        settings.level,
        settings.format === 'pretty' ? prettyDestination(process.stdout) : undefined,
      )
      return { logger, close: () => Promise.resolve() }
    }
  }
}

function fileLogger(settings: LogSettings): ServiceLogger | string {
  if (settings.file === '') return 'log.file: required when log.target = "file"'
  try {
    mkdirSync(dirname(settings.file), { recursive: true })
  } catch (e) {
    return `log.file: cannot create the directory of ${settings.file}: ${(e as Error).message}`
  }
  const transport = pino.transport<Record<string, unknown>>({
    target: 'pino-roll',
    options: {
      file: settings.file,
      size: settings.file_max_size,
      limit: { count: settings.file_keep },
      mkdir: true,
    },
  })
  const logger = createLogger(settings.level, transport)
  return {
    logger,
    close: () =>
      new Promise((resolve) => {
        // end() flushes; a flush() of its own would race the worker's shutdown. The timer
        // keeps the event loop alive until the worker has written everything (bounded).
        const timer = setTimeout(resolve, 5000)
        transport.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        transport.end()
      }),
  }
}

function syslogLogger(settings: LogSettings): ServiceLogger | string {
  const remote = /^(.+):(\d+)$/.exec(settings.syslog_server)
  if (settings.syslog_server !== '' && remote === null) {
    return `log.syslog_server: expected "" or host:port, got "${settings.syslog_server}"`
  }
  const args = [
    '--tag',
    'dynzone',
    '--prio-prefix',
    ...(remote === null ? [] : ['--udp', '--server', remote[1] ?? '', '--port', remote[2] ?? '']),
  ]
  const child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'inherit'] })
  child.on('error', () => undefined)
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = chunk.toString()
      const level = /"level":(\d+)/.exec(line)?.[1] ?? '30'
      child.stdin.write(`<${String(DAEMON + (SEVERITY[level] ?? 6))}>${line}`, () => {
        done()
      })
    },
  })
  const logger = createLogger(settings.level, stream)
  return {
    logger,
    close: () =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, 5000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.stdin.end()
      }),
  }
}
