/** `dynzone history <host>`: a host's update history, newest first (who, from where, what). */
import type { Command } from 'commander'
import { parseName } from '../core/names.ts'
import { EXIT } from './exit-codes.ts'
import { fail, MAX_LIMIT, parseCount, printJson, printRows, type CliIo, type Runner } from './io.ts'

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
        const limit = parseCount('--limit', opts.limit, 1, MAX_LIMIT)
        if (!limit.ok) return fail(io, limit.error, EXIT.invalid)
        const name = parseName(fqdn)
        if (!name.ok) return fail(io, `${fqdn.slice(0, 80)}: ${name.error.message}`, EXIT.invalid)
        const host = (await ctx.accounts.listHosts()).find((h) => h.fqdn === name.value)
        if (host === undefined) return fail(io, `host "${name.value}" not found`, EXIT.notFound)
        const rows = await ctx.accounts.history(host, limit.value)
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
