/** `dynzone host add|modify|list|delete` (`add --group G --iid ::1:2` joins a prefix group). */
import type { Command } from 'commander'
import { EXIT, exitFor } from './exit-codes.ts'
import { printRows, type CliIo } from './io.ts'
import type { Runner } from './program.ts'
import { fail } from './user.ts'
import { parseLan, type LanInput } from '../core/lan-addresses.ts'

interface AddOptions {
  user: string
  ttl?: string
  expiryTtl?: string
  group?: string
  iid?: string
  lanIpv4?: string
  lanIpv6?: string
}

// `none` clears a LAN address; anything else must be an address of the option's family.
function lanInput(opts: { lanIpv4?: string; lanIpv6?: string }): LanInput {
  const value = (v: string): string | null => (v === 'none' ? null : v)
  return {
    ...(opts.lanIpv4 === undefined ? {} : { ipv4: value(opts.lanIpv4) }),
    ...(opts.lanIpv6 === undefined ? {} : { ipv6: value(opts.lanIpv6) }),
  }
}

/** Registers the host commands. */
export function registerHostCommands(program: Command, io: CliIo, run: Runner): void {
  const host = program.command('host').description('manage dynamic hosts')
  host
    .command('add <fqdn>')
    .description('add a host inside a served zone')
    .requiredOption('--user <name>', 'owner of the host')
    .option('--ttl <seconds>', 'DNS TTL of the host records (default: the zone TTL)')
    .option('--expiry-ttl <seconds>', 'remove a family not updated for this long (0: never)')
    .option('--group <name>', 'IPv6 prefix group to join (with --iid)')
    .option('--iid <iid>', 'interface identifier in the group, e.g. ::1:2')
    .option('--lan-ipv4 <address>', 'A answered to clients behind the host’s WAN address')
    .option('--lan-ipv6 <address>', 'AAAA answered to clients behind the host’s WAN address')
    .action((fqdn: string, opts: AddOptions, cmd: Command) =>
      run(cmd, async (ctx) => {
        const ttl = opts.ttl === undefined ? undefined : Number(opts.ttl)
        if (ttl !== undefined && !Number.isInteger(ttl))
          return fail(io, `--ttl: "${opts.ttl ?? ''}" is not a whole number`, EXIT.invalid)
        if ((opts.group === undefined) !== (opts.iid === undefined))
          return fail(io, '--group and --iid go together', EXIT.invalid)
        const expiry = opts.expiryTtl
        if (expiry !== undefined && !/^\d+$/.test(expiry))
          return fail(io, `--expiry-ttl: "${expiry}" is not a whole number`, EXIT.invalid)
        const lan = parseLan(lanInput(opts))
        if (!lan.ok) return fail(io, lan.error, EXIT.invalid)
        const r = await ctx.accounts.addHost({
          fqdn,
          owner: opts.user,
          ...(ttl === undefined ? {} : { ttl }),
          ...(expiry === undefined ? {} : { expiryTtl: Number(expiry) }),
        })
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        if (opts.group !== undefined && opts.iid !== undefined) {
          const g = { host: r.value.fqdn, group: opts.group, iid: opts.iid }
          const joined = await ctx.accounts.joinGroup(g)
          if (!joined.ok) {
            // Bad input changes nothing: the host goes again.
            await ctx.accounts.deleteHost(r.value.fqdn)
            return fail(io, joined.error.message, exitFor(joined.error.code))
          }
        }
        const lanSet = await ctx.accounts.setHostLan(r.value.fqdn, lan.value)
        if (!lanSet.ok) return fail(io, lanSet.error.message, exitFor(lanSet.error.code))
        io.out(`added host ${r.value.fqdn} (owner ${r.value.owner})\n`)
        return EXIT.ok
      }),
    )
  host
    .command('modify <fqdn>')
    .description('change a host’s LAN addresses (split horizon; `none` clears one)')
    .option('--lan-ipv4 <address>', 'A answered to clients behind the host’s WAN address')
    .option('--lan-ipv6 <address>', 'AAAA answered to clients behind the host’s WAN address')
    .action((fqdn: string, opts: { lanIpv4?: string; lanIpv6?: string }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const lan = lanInput(opts)
        if (Object.keys(lan).length === 0)
          return fail(io, 'nothing to change: give --lan-ipv4 and/or --lan-ipv6', EXIT.invalid)
        const r = await ctx.accounts.setHostLan(fqdn, lan)
        if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
        io.out(`modified host ${r.value.fqdn}\n`)
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
