/**
 * `dynzone lockout list|lift`: the (credential, source) pairs locked after bad credentials,
 * and lifting them. Lifting also forgets the failures, so the next bad try starts over.
 * A running server reads locks from the database on every request: no reload needed.
 */
import type { Command } from 'commander'
import { parseIp } from '../core/addresses/addresses.ts'
import { sourceKey } from '../core/rate-limit/rate-limit.ts'
import { EXIT } from './exit-codes.ts'
import { fail, printJson, printRows, type CliIo, type Runner } from './io.ts'

/** Registers `dynzone lockout`. */
export function registerLockoutCommands(program: Command, io: CliIo, run: Runner): void {
  const lockout = program
    .command('lockout')
    .description('see and lift lockouts after repeated bad credentials')
  lockout
    .command('list')
    .description('list locked (and failing) user names and bare tokens, per client address')
    .option('--all', 'also pairs with failures that are not locked (now)')
    .option('--json', 'print JSON')
    .action((opts: { all?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const rows = await ctx.lockouts.list(opts.all !== true)
        if (opts.json === true) {
          printJson(io, rows)
          return EXIT.ok
        }
        printRows(
          io,
          rows.map((r) => ({
            subject: r.subject,
            source: r.source,
            locked_until: r.locked ? r.lockedUntil : null,
            failures: r.failures,
            level: r.level,
            last_failure: r.lastFailureAt,
          })),
        )
        return EXIT.ok
      }),
    )
  lockout
    .command('lift')
    .description('lift the lockouts of a user name (or "token" for bare tokens)')
    .argument(
      '<subject>',
      'a user name as clients send it (one that names no user too), user:<name>, unknown:<hash>, or token',
    )
    .option('--source <address>', 'only the lockout of this client address (IPv6: its /64)')
    .action((subject: string, opts: { source?: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        let source: string | undefined
        if (opts.source !== undefined) {
          const bare = opts.source.replace(/\/64$/, '')
          const ip = parseIp(bare)
          if (!ip.ok) return fail(io, `--source: ${ip.error.message}`, EXIT.invalid)
          source = sourceKey(ip.value)
        }
        const lifted = await ctx.lockouts.lift(subject, source)
        if (lifted === 0) {
          return fail(io, `no lockout for "${subject.slice(0, 80)}"`, EXIT.notFound)
        }
        io.out(`lifted ${String(lifted)} lockout${lifted === 1 ? '' : 's'}\n`)
        return EXIT.ok
      }),
    )
}
