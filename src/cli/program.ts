/** The `dynzone` command line: global options, one file per command group. */
import { Command, CommanderError } from 'commander'
import { cliAuditEvent, registerAuditCommand } from './audit.ts'
import { registerCleanupCommand } from './cleanup.ts'
import { withContext, type GlobalOptions } from './context.ts'
import { registerDbCommands } from './db.ts'
import { EXIT } from './exit-codes.ts'
import { registerGroupCommands } from './group.ts'
import { registerHistoryCommand } from './history.ts'
import { registerHostCommands } from './host.ts'
import { registerImportExportCommands } from './import-export.ts'
import { registerInitCommand } from './init.ts'
import { registerLockoutCommands } from './lockout.ts'
import type { CliIo, Runner } from './io.ts'
import { serve } from './serve.ts'
import { registerTokenCommands } from './token.ts'
import { registerUserCommands } from './user.ts'
import { registerZoneCommands } from './zone.ts'
import { registerRecordCommands } from './record.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Parses argv, runs the command, and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok
  const output = {
    writeOut: (s: string): void => {
      io.out(s)
    },
    writeErr: (s: string): void => {
      io.err(s)
    },
  }
  const program = new Command('dynzone')
    .description('self-hosted dynamic DNS')
    .option(
      '-c, --config <file>',
      'config file (default ./dynzone.toml, then /etc/dynzone/dynzone.toml)',
    )
    .option('--data-dir <dir>', 'data directory (database, pepper)')
    .option(
      '--set <key=value>',
      'override a config key, e.g. --set http.port=8080 (repeatable)',
      collect,
      [],
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError()
  // Every command with a context runs here, so each one that changes state is audited.
  const run: Runner = async (cmd, fn) => {
    exitCode = await withContext(cmd.optsWithGlobals<GlobalOptions>(), io, async (ctx) => {
      const code = await fn(ctx)
      const event = cliAuditEvent(cmd, code)
      if (event !== undefined) ctx.audit.record(event)
      return code
    })
  }
  program
    .command('serve')
    .description('run the HTTP update service and the built-in DNS server')
    .option('--http-port <port>', 'HTTP port (default 8245)')
    .option('--http-listen <address>', 'HTTP listen address (default 127.0.0.1)')
    .option('--dns-port <port>', 'DNS port (default 5353)')
    .option('--dns-listen <address>', 'DNS listen address (default 127.0.0.1)')
    .action(async (_opts: unknown, cmd: Command) => {
      exitCode = await serve(cmd.optsWithGlobals<GlobalOptions>(), io)
    })
  registerUserCommands(program, io, run)
  registerHostCommands(program, io, run)
  registerGroupCommands(program, io, run)
  registerTokenCommands(program, io, run)
  registerDbCommands(program, io, run, (code) => {
    exitCode = code
  })
  registerZoneCommands(program, io, run)
  registerRecordCommands(program, io, run)
  registerCleanupCommand(program, io, run)
  registerHistoryCommand(program, io, run)
  registerImportExportCommands(program, io, run)
  registerLockoutCommands(program, io, run)
  registerAuditCommand(program, io, run)
  registerInitCommand(program, io, (code) => {
    exitCode = code
  })
  // Every group without a subcommand shows its help instead of doing nothing.
  for (const group of program.commands) group.exitOverride().configureOutput(output)
  try {
    await program.parseAsync([...argv], { from: 'node' })
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage
    }
    throw e
  }
  return exitCode
}
