/**
 * Changing a host's settings (LAN addresses, prefix group, DNS and expiry TTL), the one way
 * the REST API, the web UI and the CLI do it: every part is checked first, then the store
 * writes them in one transaction, so bad input or a failed write changes nothing.
 */
import { parseLan, type LanInput } from '../addresses/lan-addresses.ts'
import { parseName } from '../names.ts'
import { err, ok, type Result } from '../result.ts'
import type { AccountStore, HostChange, HostSummary } from './account-store.ts'
import type { AccountError } from './account-error.ts'
import { membership } from './prefix-groups.ts'

/** The largest DNS TTL a host may have (one week). */
export const MAX_DNS_TTL = 604800
/** The longest expiry a host may have (one year; 0 is never). */
export const MAX_EXPIRY_TTL = 31536000

/** What to change; absent fields stay. */
export interface HostSettingsInput {
  readonly lan?: LanInput
  /** The prefix group to join with its interface identifier, or `null` to be in none. */
  readonly group?: { readonly name: string; readonly iid: string } | null
  /** `null`: the zone's TTL. */
  readonly dnsTtl?: number | null
  readonly expiryTtl?: number
}

/** Checks every part of `input`, then applies them all in one store call; returns the host. */
export async function changeHost(
  store: AccountStore,
  fqdn: string,
  input: HostSettingsInput,
  now: Date,
): Promise<Result<HostSummary, AccountError>> {
  const name = parseName(fqdn)
  if (!name.ok) return err({ code: 'invalid', message: name.error.message })
  const ttls = checkTtls(input)
  if (!ttls.ok) return ttls
  const lan = parseLan(input.lan ?? {})
  if (!lan.ok) return err({ code: 'invalid', message: lan.error })
  const host = await store.hostByName(name.value)
  if (!host) return err({ code: 'not-found', message: `host "${name.value}" not found` })
  let member: HostChange['membership']
  if (input.group != null) {
    const checked = await membership(store, host, input.group.name, input.group.iid)
    if (!checked.ok) return checked
    member = checked.value
  } else if (input.group === null) {
    member = null
  }
  const change: HostChange = {
    ...(Object.keys(lan.value).length === 0 ? {} : { lan: lan.value }),
    ...(member === undefined ? {} : { membership: member }),
    // An unchanged DNS TTL is no change: the zone serial stays.
    ...(input.dnsTtl === undefined || input.dnsTtl === host.ttl ? {} : { dnsTtl: input.dnsTtl }),
    ...(input.expiryTtl === undefined ? {} : { expiryTtl: input.expiryTtl }),
  }
  await store.changeHost(host, change, now.toISOString())
  return ok(host)
}

function checkTtls(input: HostSettingsInput): Result<void, AccountError> {
  const { dnsTtl, expiryTtl } = input
  if (dnsTtl != null && !(Number.isInteger(dnsTtl) && dnsTtl >= 1 && dnsTtl <= MAX_DNS_TTL)) {
    return err({
      code: 'invalid',
      message: `DNS TTL must be a whole number of seconds from 1 to ${String(MAX_DNS_TTL)}`,
    })
  }
  if (
    expiryTtl !== undefined &&
    !(Number.isInteger(expiryTtl) && expiryTtl >= 0 && expiryTtl <= MAX_EXPIRY_TTL)
  ) {
    return err({
      code: 'invalid',
      message: `expiry must be a whole number of seconds from 0 (never) to ${String(MAX_EXPIRY_TTL)}`,
    })
  }
  return ok(undefined)
}
