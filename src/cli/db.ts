/** `dynzone db migrate` and `dynzone db copy` (SQLite to a server database, or any pair). */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { copySqliteInto, databaseFromUrl, describeDatabase, type DatabaseSettings } from '../app.ts'
import { configFrom, type GlobalOptions } from './context.ts'
import { EXIT } from './exit-codes.ts'
import type { CliIo, Runner } from './io.ts'
import { progressBar } from './progress.ts'

interface CopyOptions {
  readonly from: string
  readonly to?: string
  readonly force?: boolean
}

/** Registers the database commands; `done` records the exit code of commands without a context. */
export function registerDbCommands(
  program: Command,
  io: CliIo,
  run: Runner,
  done: (code: number) => void,
): void {
  const db = program.command('db').description('database maintenance')
  db.command('migrate')
    .description('apply pending schema migrations (serve also does this at start)')
    .action((_opts: unknown, cmd: Command) =>
      run(cmd, (ctx) => {
        io.out(`database ${describeDatabase(ctx.config.database)} is at the latest schema\n`)
        return Promise.resolve(EXIT.ok)
      }),
    )
  db.command('copy')
    .description('copy every row of a SQLite database into the configured (or --to) database')
    .requiredOption('--from <path>', 'the SQLite database file to copy from')
    .option('--to <url>', 'postgres://… or mariadb://… (default: the configured database)')
    .option('--force', 'replace the rows of a target that is not empty')
    .action(async (opts: CopyOptions, cmd: Command) => {
      done(await copy(opts, cmd.optsWithGlobals<GlobalOptions>(), io))
    })
}

async function copy(opts: CopyOptions, global: GlobalOptions, io: CliIo): Promise<number> {
  const fromPath = resolve(io.cwd, opts.from)
  if (!existsSync(fromPath)) {
    io.err(`dynzone: --from ${opts.from}: no such SQLite database\n`)
    return EXIT.notFound
  }
  const targetSettings = opts.to === undefined ? configured(global, io) : fromUrl(opts.to, io)
  if (typeof targetSettings === 'number') return targetSettings
  if (targetSettings.backend === 'sqlite' && resolve(io.cwd, targetSettings.path) === fromPath) {
    io.err(`dynzone: --from ${opts.from} is the configured database itself; set --to\n`)
    return EXIT.usage
  }
  const bar = progressBar(io.progress, 'copy', 'rows')
  const copied = await copySqliteInto(fromPath, targetSettings, {
    force: opts.force === true,
    progress: (done, total) => {
      bar.update(done, total)
    },
  }).finally(() => {
    bar.stop()
  })
  if (!copied.ok) {
    io.err(`dynzone: ${copied.error.message}\n`)
    return COPY_EXIT[copied.error.kind]
  }
  const total = copied.value.reduce((sum, c) => sum + c.rows, 0)
  io.out(`copied ${total} rows from ${fromPath} to ${describeDatabase(targetSettings)}\n`)
  for (const c of copied.value) io.out(`  ${c.table.padEnd(22)} ${String(c.rows)}\n`)
  return EXIT.ok
}

const COPY_EXIT = { unavailable: EXIT.unavailable, exists: EXIT.exists, failed: EXIT.failure }

/** The configured database as the copy target, or an exit code. */
function configured(global: GlobalOptions, io: CliIo): DatabaseSettings | number {
  const config = configFrom(global, io)
  return typeof config === 'number' ? config : config.database
}

/** Target settings from a `--to` URL (its scheme names the backend), or an exit code. */
function fromUrl(url: string, io: CliIo): DatabaseSettings | number {
  const settings = databaseFromUrl(url)
  if (settings.ok) return settings.value
  io.err(`dynzone: --to: ${settings.error}\n`)
  return EXIT.usage
}
