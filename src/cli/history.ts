/** `dynzone history <host>`: a host's update history, newest first (who, from where, what). */
import type { Command } from 'commander'
import { parseName } from '../core/names.ts'
import { EXIT } from './exit-codes.ts'
import { printJson, printRows, type CliIo } from './io.ts'
import type { Runner } from './program.ts'
import { fail } from './user.ts'

/** Registers `dynzone history`. */
export function registerHistoryCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('history <host>')
    .description(
      'show a host’s update history (changes and refused updates with the reason), newest first',
    )
    .option('--limit <n>', 'how many entries (1..10000)', '20')
    .option('--json', 'print JSON')
    .action((fqdn: string, opts: { limit: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const limit = /^\d{1,5}$/.test(opts.limit) ? Number(opts.limit) : NaN
        if (!(limit >= 1 && limit <= 10_000))
          return fail(
            io,
            `--limit: "${opts.limit.slice(0, 20)}" is not a number from 1 to 10000`,
            EXIT.invalid,
          )
        const name = parseName(fqdn)
        if (!name.ok) return fail(io, `${fqdn.slice(0, 80)}: ${name.error.message}`, EXIT.invalid)
        const host = (await ctx.accounts.listHosts()).find((h) => h.fqdn === name.value)
        if (host === undefined) return fail(io, `host "${name.value}" not found`, EXIT.notFound)
        const rows = await ctx.accounts.history(host, limit)
        if (opts.json === true) {
          printJson(io, rows)
          return EXIT.ok
        }
        printRows(
          io,
          rows.map((r) => ({
            at: r.at,
            result: r.result,
            old: r.oldValue,
            new: r.newValue,
            client: r.clientIp,
            dialect: r.dialect,
            actor: r.actor,
            reason: r.reason,
          })),
        )
        return EXIT.ok
      }),
    )
}
