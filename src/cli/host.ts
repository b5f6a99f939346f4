/** `dynzone host add|list|delete`. */
import type { Command } from 'commander'
import { EXIT, exitFor } from './exit-codes.ts'
import { printRows, type CliIo } from './io.ts'
import type { Runner } from './program.ts'
import { fail } from './user.ts'

/** Registers the host commands. */
export function registerHostCommands(program: Command, io: CliIo, run: Runner): void {
  const host = program.command('host').description('manage dynamic hosts')
  host
    .command('add <fqdn>')
    .description('add a host inside a served zone')
    .requiredOption('--user <name>', 'owner of the host')
    .option('--ttl <seconds>', 'DNS TTL of the host records (default: the zone TTL)')
    .action((fqdn: string, opts: { user: string; ttl?: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const ttl = opts.ttl === undefined ? undefined : Number(opts.ttl)
        if (ttl !== undefined && !Number.isInteger(ttl))
          return fail(io, `--ttl: "${opts.ttl ?? ''}" is not a whole number`, EXIT.invalid)
        const r = await ctx.accounts.addHost({
          fqdn,
          owner: opts.user,
          ...(ttl === undefined ? {} : { ttl }),
        })
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`added host ${r.value.fqdn} (owner ${r.value.owner})\n`)
        return EXIT.ok
      }),
    )
  host
    .command('list')
    .description('list hosts')
    .option('--user <name>', 'only this user’s hosts')
    .option('--json', 'print JSON')
    .action((opts: { user?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const hosts = await ctx.accounts.listHosts(opts.user)
        printRows(
          io,
          hosts.map((h) => ({
            host: h.fqdn,
            owner: h.owner,
            ipv4: h.ipv4,
            ipv6: h.ipv6,
            ttl: h.ttl,
            last_seen: h.lastSeenAt,
          })),
          opts.json === true,
        )
        return EXIT.ok
      }),
    )
  host
    .command('delete <fqdn>')
    .description('delete a host and its records')
    .action((fqdn: string, _opts: unknown, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await ctx.accounts.deleteHost(fqdn)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`deleted host ${fqdn}\n`)
        return EXIT.ok
      }),
    )
}
