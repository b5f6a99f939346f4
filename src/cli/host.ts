/**
 * `dynzone host add|modify|list|delete`: TTLs, expiry, LAN addresses (split horizon),
 * prefix-group membership (`--group G --iid ::1:2`) and the published addresses
 * (`--ipv4/--ipv6`, through the update path: `host-address.ts`). Every option is checked
 * before anything is written, so bad input changes nothing.
 */
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import { parseName } from '../core/names.ts'
import { EXIT, exitFor } from './exit-codes.ts'
import { hostView } from '../api/views.ts'
import { fail, printJson, printRows, type CliIo, type Runner } from './io.ts'
import { parseLan, type LanInput } from '../core/addresses/lan-addresses.ts'
import {
  addressRefusal,
  addressWishes,
  applyAddresses,
  type AddressOptions,
  type AddressWishes,
} from './host-address.ts'

interface AddOptions extends AddressOptions {
  user: string
  ttl?: string
  dnsTtl?: string
  expiryTtl?: string
  group?: string
  iid?: string
  lanIpv4?: string
  lanIpv6?: string
}

interface ModifyOptions extends AddressOptions {
  dnsTtl?: string
  expiryTtl?: string
  group?: string | false
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

// The same ranges core's `addHost` enforces; `zone` (modify only) means the zone's TTL.
function dnsTtl(
  text: string | undefined,
  allowZone: boolean,
  flag = '--dns-ttl',
): number | null | undefined | string {
  if (text === undefined) return undefined
  if (allowZone && text === 'zone') return null
  if (!/^\d+$/.test(text))
    return `${flag}: "${text.slice(0, 20)}" is not a whole number${allowZone ? ' (or zone)' : ''}`
  const n = Number(text)
  if (!(n >= 1 && n <= 604800))
    return `${flag}: TTL must be a whole number of seconds from 1 to 604800`
  return n
}

function expiryTtl(text: string | undefined): number | undefined | string {
  if (text === undefined) return undefined
  const n = /^\d+$/.test(text) ? Number(text) : NaN
  if (!(n >= 0 && n <= 31536000))
    return `--expiry-ttl: "${text.slice(0, 20)}" is not a whole number of seconds from 0 (never) to 31536000`
  return n
}

const LAN_V4 = 'A answered to clients behind the host’s WAN address (none clears)'
const LAN_V6 = 'AAAA answered to clients behind the host’s WAN address (none clears)'
const IPV4 = 'publish this A address, as an update would (none removes it)'
const IPV6 = 'publish this AAAA address, as an update would (none removes it)'

/** Registers the host commands. */
export function registerHostCommands(program: Command, io: CliIo, run: Runner): void {
  const host = program.command('host').description('manage dynamic hosts')
  host
    .command('add <fqdn>')
    .description('add a host inside a served zone')
    .requiredOption('--user <name>', 'owner of the host')
    .option('--dns-ttl <seconds>', 'DNS TTL of the host records (default: the zone TTL)')
    .option('--ttl <seconds>', 'same as --dns-ttl')
    .option('--expiry-ttl <seconds>', 'remove a family not updated for this long (0: never)')
    .option('--group <name>', 'IPv6 prefix group to join (with --iid)')
    .option('--iid <iid>', 'interface identifier in the group, e.g. ::1:2')
    .option('--lan-ipv4 <address>', LAN_V4)
    .option('--lan-ipv6 <address>', LAN_V6)
    .option('--ipv4 <address>', IPV4)
    .option('--ipv6 <address>', IPV6)
    .action((fqdn: string, opts: AddOptions, cmd: Command) =>
      run(cmd, (ctx) => add(ctx, io, fqdn, opts)),
    )
  host
    .command('modify <fqdn>')
    .description('change a host’s addresses, TTLs, LAN addresses or prefix group')
    .option('--dns-ttl <seconds>', 'DNS TTL of the host records, or "zone" for the zone TTL')
    .option('--expiry-ttl <seconds>', 'remove a family not updated for this long (0: never)')
    .option('--group <name>', 'IPv6 prefix group to join (with --iid)')
    .option('--no-group', 'leave the host’s prefix group')
    .option('--iid <iid>', 'interface identifier in the group, e.g. ::1:2')
    .option('--lan-ipv4 <address>', LAN_V4)
    .option('--lan-ipv6 <address>', LAN_V6)
    .option('--ipv4 <address>', IPV4)
    .option('--ipv6 <address>', IPV6)
    .action((fqdn: string, opts: ModifyOptions, cmd: Command) =>
      run(cmd, (ctx) => modify(ctx, io, fqdn, opts)),
    )
  host
    .command('list')
    .description('list hosts')
    .option('--user <name>', 'only this user’s hosts')
    .option('--json', 'print JSON')
    .action((opts: { user?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        if (
          opts.user !== undefined &&
          (await ctx.accounts.listUsers()).every((u) => u.name !== opts.user)
        )
          return fail(io, `user "${opts.user}" not found`, EXIT.notFound)
        const hosts = await ctx.accounts.listHosts(opts.user)
        if (opts.json === true) {
          printJson(io, await Promise.all(hosts.map((h) => hostView(ctx.accounts, h))))
          return EXIT.ok
        }
        const rows = []
        for (const h of hosts) {
          const s = await ctx.accounts.hostSettings(h)
          rows.push({
            host: h.fqdn,
            owner: h.owner,
            ipv4: h.ipv4,
            ipv6: h.ipv6,
            ttl: h.ttl,
            expiry_ttl: s?.expiryTtl ?? null,
            lan_ipv4: s?.lanIpv4 ?? null,
            lan_ipv6: s?.lanIpv6 ?? null,
            group: s?.group === null || s === undefined ? null : `${s.group.name} ${s.group.iid}`,
            last_seen: h.lastSeenAt,
          })
        }
        printRows(io, rows)
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

async function add(ctx: Context, io: CliIo, fqdn: string, opts: AddOptions): Promise<number> {
  if (opts.ttl !== undefined && opts.dnsTtl !== undefined)
    return fail(io, 'give --dns-ttl or --ttl, not both', EXIT.usage)
  const ttl = dnsTtl(opts.dnsTtl ?? opts.ttl, false, opts.ttl === undefined ? '--dns-ttl' : '--ttl')
  if (typeof ttl === 'string') return fail(io, ttl, EXIT.invalid)
  if ((opts.group === undefined) !== (opts.iid === undefined))
    return fail(io, '--group and --iid go together', EXIT.invalid)
  const expiry = expiryTtl(opts.expiryTtl)
  if (typeof expiry === 'string') return fail(io, expiry, EXIT.invalid)
  const lan = parseLan(lanInput(opts))
  if (!lan.ok) return fail(io, lan.error, EXIT.invalid)
  const wishes = addressWishes(opts)
  if (!wishes.ok) return fail(io, wishes.error, EXIT.invalid)
  const refused = wishes.value && addressRefusal(ctx, fqdn, wishes.value)
  if (refused !== undefined) return fail(io, refused, EXIT.invalid)
  const r = await ctx.accounts.addHost({
    fqdn,
    owner: opts.user,
    ...(ttl === undefined || ttl === null ? {} : { ttl }),
    ...(expiry === undefined ? {} : { expiryTtl: expiry }),
  })
  if (!r.ok) return fail(io, r.error.message, exitFor(r.error.code))
  if (opts.group !== undefined && opts.iid !== undefined) {
    const joined = await ctx.accounts.joinGroup({
      host: r.value.fqdn,
      group: opts.group,
      iid: opts.iid,
    })
    if (!joined.ok) {
      // Bad input changes nothing: the host goes again.
      await ctx.accounts.deleteHost(r.value.fqdn)
      return fail(io, joined.error.message, exitFor(joined.error.code))
    }
  }
  const lanSet = await ctx.accounts.setHostLan(r.value.fqdn, lan.value)
  if (!lanSet.ok) return fail(io, lanSet.error.message, exitFor(lanSet.error.code))
  io.out(`added host ${r.value.fqdn} (owner ${r.value.owner})\n`)
  return setAddresses(ctx, io, r.value.fqdn, wishes.value)
}

async function setAddresses(
  ctx: Context,
  io: CliIo,
  fqdn: string,
  wishes: AddressWishes,
): Promise<number> {
  if (wishes === undefined) return EXIT.ok
  const set = await applyAddresses(ctx, fqdn, wishes)
  if (!set.ok) return fail(io, set.error, EXIT.invalid)
  io.out(`${fqdn} ${set.value}\n`)
  return EXIT.ok
}

async function modify(ctx: Context, io: CliIo, fqdn: string, opts: ModifyOptions): Promise<number> {
  const ttl = dnsTtl(opts.dnsTtl, true)
  if (typeof ttl === 'string') return fail(io, ttl, EXIT.invalid)
  const expiry = expiryTtl(opts.expiryTtl)
  if (typeof expiry === 'string') return fail(io, expiry, EXIT.invalid)
  const joining = typeof opts.group === 'string'
  if (joining !== (opts.iid !== undefined))
    return fail(io, '--group and --iid go together', EXIT.invalid)
  const lanWish = lanInput(opts)
  const lan = parseLan(lanWish)
  if (!lan.ok) return fail(io, lan.error, EXIT.invalid)
  const wishes = addressWishes(opts)
  if (!wishes.ok) return fail(io, wishes.error, EXIT.invalid)
  const leaving = opts.group === false
  if (
    ttl === undefined &&
    expiry === undefined &&
    !joining &&
    !leaving &&
    Object.keys(lanWish).length === 0 &&
    wishes.value === undefined
  )
    return fail(
      io,
      'nothing to change: give --ipv4/--ipv6, --dns-ttl, --expiry-ttl, --lan-ipv4/--lan-ipv6, --group/--iid or --no-group',
      EXIT.usage,
    )
  const name = parseName(fqdn)
  if (!name.ok) return fail(io, name.error.message, EXIT.invalid)
  const found = (await ctx.accounts.listHosts()).find((h) => h.fqdn === name.value)
  if (found === undefined) return fail(io, `host "${name.value}" not found`, EXIT.notFound)
  const refused = wishes.value && addressRefusal(ctx, found.fqdn, wishes.value)
  if (refused !== undefined) return fail(io, refused, EXIT.invalid)
  // Leaving needs a group to leave (the API's PATCH takes "no group" as already done).
  const groups = leaving ? await ctx.accounts.listGroups() : []
  if (leaving && !groups.some((g) => g.members.some((m) => m.host === found.fqdn))) {
    return fail(io, `host "${found.fqdn}" is in no group`, EXIT.notFound)
  }
  const group =
    typeof opts.group === 'string' && opts.iid !== undefined
      ? { name: opts.group, iid: opts.iid }
      : null
  const changed = await ctx.accounts.changeHost(found.fqdn, {
    lan: lanWish,
    ...(joining || leaving ? { group } : {}),
    ...(ttl === undefined ? {} : { dnsTtl: ttl }),
    ...(expiry === undefined ? {} : { expiryTtl: expiry }),
  })
  if (!changed.ok) return fail(io, changed.error.message, exitFor(changed.error.code))
  io.out(`modified host ${found.fqdn}\n`)
  return setAddresses(ctx, io, found.fqdn, wishes.value)
}
