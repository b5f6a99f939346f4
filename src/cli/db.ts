/** `dynzone db migrate`. */
import type { Command } from 'commander'
import { EXIT } from './exit-codes.ts'
import type { CliIo } from './io.ts'
import type { Runner } from './program.ts'

/** Registers the database commands. */
export function registerDbCommands(program: Command, io: CliIo, run: Runner): void {
  const db = program.command('db').description('database maintenance')
  db.command('migrate')
    .description('apply pending schema migrations (serve also does this at start)')
    .action((_opts: unknown, cmd: Command) =>
      run(cmd, (ctx) => {
        io.out(`database ${ctx.config.database.path} is at the latest schema\n`)
        return Promise.resolve(EXIT.ok)
      }),
    )
}
