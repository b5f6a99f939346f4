/**
 * `host add|modify --ipv4 A|none --ipv6 AAAA|none`: the operator sets or removes a host's
 * address through core's update service, as an HTTP update would (the zone's address policy,
 * the dual-stack rules, a prefix group's members, a history row with dialect `cli`, the zone
 * serial bumped so a running server publishes it). A family not given is kept.
 */
import type { Context } from '../app.ts'
import { intentRefusal } from '../core/addresses/address-policy.ts'
import { parseIpOf, type IpAddress } from '../core/addresses/addresses.ts'
import { createAddressPolicy } from '../core/rate-limit/rate-limit-setup.ts'
import type { Principal } from '../core/auth/auth.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { AddressWish, UpdateIntent } from '../core/update/update-intent.ts'

/** The address options as commander gives them. */
export interface AddressOptions {
  ipv4?: string
  ipv6?: string
}

/** The checked wishes; undefined when neither option was given. */
export type AddressWishes = { readonly ipv4: AddressWish; readonly ipv6: AddressWish } | undefined

// The operator: allowed every host, recorded as `cli` (from `-`, like the expiry jobs, since
// no network address is involved; only `auto` wishes would read it, and none are made here).
const OPERATOR: Principal = { userId: 0, userName: 'cli', isAdmin: true }
const NO_ADDRESS: IpAddress = { family: 4, text: '-' }

/** Checks `--ipv4`/`--ipv6`: an address of the option's family, or `none`. */
export function addressWishes(opts: AddressOptions): Result<AddressWishes, string> {
  if (opts.ipv4 === undefined && opts.ipv6 === undefined) return ok(undefined)
  const ipv4 = wish(opts.ipv4, 4)
  if (!ipv4.ok) return ipv4
  const ipv6 = wish(opts.ipv6, 6)
  if (!ipv6.ok) return ipv6
  return ok({ ipv4: ipv4.value, ipv6: ipv6.value })
}

function wish(text: string | undefined, family: 4 | 6): Result<AddressWish, string> {
  if (text === undefined) return ok({ kind: 'keep' })
  if (text === 'none') return ok({ kind: 'delete' })
  const ip = parseIpOf(text, family)
  return ip.ok
    ? ok({ kind: 'set', address: ip.value })
    : err(`--ipv${String(family)}: ${ip.error.message} (or none)`)
}

function intentFor(fqdn: string, wishes: NonNullable<AddressWishes>): UpdateIntent {
  return { dialect: 'cli', credentials: null, hostnames: [fqdn], ...wishes, clientIp: NO_ADDRESS }
}

/** Why the zone's address policy refuses the wishes, before anything is written. */
export function addressRefusal(
  ctx: Context,
  fqdn: string,
  wishes: NonNullable<AddressWishes>,
): string | undefined {
  const policy = createAddressPolicy(ctx.config.update)
  const zones = ctx.zones.map((z) => z.name)
  return intentRefusal(policy, [fqdn], zones, intentFor(fqdn, wishes))
}

/** Applies the wishes; the host's addresses afterwards as one line, or why not. */
export async function applyAddresses(
  ctx: Context,
  fqdn: string,
  wishes: NonNullable<AddressWishes>,
): Promise<Result<string, string>> {
  const result = await ctx.cliUpdates().updateAs(OPERATOR, intentFor(fqdn, wishes))
  if (result.kind === 'rejected') return err(result.message)
  const outcome = result.outcomes[0]
  if (outcome === undefined || (outcome.status !== 'good' && outcome.status !== 'nochg'))
    return err(`${fqdn}: ${outcome?.status ?? 'no outcome'}`)
  const host = (await ctx.accounts.listHosts()).find((h) => h.fqdn === outcome.fqdn)
  const shown = (v: string | null | undefined): string => v ?? 'none'
  return ok(
    `${outcome.status === 'good' ? 'set' : 'unchanged'}: A ${shown(host?.ipv4)}, AAAA ${shown(host?.ipv6)}`,
  )
}
