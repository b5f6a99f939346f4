/** Loads the config and opens the store for one CLI command, mapping failures to exit codes. */
import { openContext, type Context } from '../app.ts'
import { loadConfig } from '../config/load.ts'
import type { ConfigFlags } from '../config/overrides.ts'
import type { Config } from '../config/schema.ts'
import { createLogger } from '../observability/logger.ts'
import { EXIT } from './exit-codes.ts'
import type { CliIo } from './io.ts'

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly config?: string
  readonly dataDir?: string
  readonly set?: string[]
  readonly logLevel?: string
  readonly httpPort?: string
  readonly dnsPort?: string
  readonly httpListen?: string
  readonly dnsListen?: string
}

/** Loads the configuration or prints every problem and returns the config exit code. */
export function configFrom(options: GlobalOptions, io: CliIo): Config | number {
  const loaded = loadConfig({ flags: configFlags(options), env: io.env, cwd: io.cwd })
  if (!loaded.ok) {
    io.err(`dynzone: invalid configuration\n${loaded.error.message}\n`)
    return EXIT.config
  }
  for (const w of loaded.value.warnings ?? []) io.err(`dynzone: warning: ${w}\n`)
  return loaded.value.config
}

/** The config loader's flags from the CLI options. */
export function configFlags(options: GlobalOptions): ConfigFlags {
  return {
    config: options.config,
    dataDir: options.dataDir,
    logLevel: options.logLevel,
    httpPort: options.httpPort,
    dnsPort: options.dnsPort,
    httpListen: options.httpListen,
    dnsListen: options.dnsListen,
    set: options.set ?? [],
  }
}

/** Runs `fn` with an open context (logs to `io.err` at warn unless set), then closes it. */
export async function withContext(
  options: GlobalOptions,
  io: CliIo,
  fn: (context: Context) => Promise<number>,
): Promise<number> {
  const config = configFrom(options, io)
  if (typeof config === 'number') return config
  const level = options.logLevel ?? (config.log.level === 'info' ? 'warn' : config.log.level)
  const logger = createLogger(level, {
    write: (line: string) => {
      io.err(line)
    },
  })
  const opened = await openContext(config, logger)
  if (!opened.ok) {
    io.err(`dynzone: ${opened.error}\n`)
    return EXIT.unavailable
  }
  try {
    return await fn(opened.value)
  } finally {
    await opened.value.close()
  }
}
