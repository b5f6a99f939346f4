/**
 * `dynzone cleanup`: one host expiry sweep now, instead of waiting for the server's next
 * `[expiry] interval_seconds`. It commits to the store (serial bumped), so a running server
 * follows within a second through its serial poll; owners get their `expired` notifications.
 */
import type { Command } from 'commander'
import { EXIT } from './exit-codes.ts'
import { fail, type CliIo, type Runner } from './io.ts'

/** Registers `dynzone cleanup`. */
export function registerCleanupCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('cleanup')
    .description('remove the records of hosts not updated within their expiry TTL, now')
    .action((_opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const notifier = ctx.openNotifier()
        if (!notifier.ok) return fail(io, notifier.error, EXIT.config)
        const expired = await ctx.expireHosts(new Date())
        for (const event of expired) {
          notifier.value.expired(event)
          const families = Object.entries(event.removed).map(([f, v]) => `${f} ${v}`)
          io.out(`expired ${event.fqdn}: ${families.join(', ')}\n`)
        }
        if (expired.length === 0) io.out('nothing expired\n')
        await notifier.value.idle()
        notifier.value.close()
        return EXIT.ok
      }),
    )
}
