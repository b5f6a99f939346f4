/**
 * What the command line's context and the server's starters both build, built one way: the
 * clock, the served zones paired with their config, their apex data, the update service.
 */
import type { Config } from '../config/schema.ts'
import { parseCidr, type Cidr } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import type { Fqdn } from '../core/names.ts'
import type { AddressPolicy } from '../core/addresses/address-policy.ts'
import type { ChangePublisher, Clock, Notifier, UpdateStore } from '../core/ports.ts'
import type { AbuseGuard } from '../core/rate-limit/rate-limit-guard.ts'
import { createAddressPolicy } from '../core/rate-limit/rate-limit-setup.ts'
import type { UpdateFailureLog } from '../core/update/update-failures.ts'
import type { RequestTraceLog } from '../core/update/request-trace.ts'
import { UpdateService } from '../core/update/update-service.ts'
import type { ZoneApex } from '../jobs/zone-sync.ts'
import type { StoreZone } from '../store/update-store.ts'

/** The wall clock every part reads. */
export const systemClock: Clock = { now: () => new Date() }

/** A zone the store serves, with the config table it came from. */
export interface ServedZone {
  readonly zone: StoreZone
  readonly config: Config['zones'][number]
}

/** Pairs each zone the store synced with its config table (the one lookup by name). */
export function servedZones(config: Config, zones: readonly StoreZone[]): ServedZone[] {
  return zones.map((zone) => {
    const z = config.zones.find((c) => c.name === zone.name)
    if (z === undefined) throw new Error(`zone ${zone.name} missing from config`)
    return { zone, config: z }
  })
}

/** The apex data (SOA, NS, NS addresses) of each served zone, from the config. */
export function zoneApexes(served: readonly ServedZone[]): ZoneApex[] {
  return served.map(({ zone, config: z }) => ({
    zone,
    ns: z.ns as Fqdn[],
    rname: z.soa_rname,
    refresh: z.refresh,
    retry: z.retry,
    expire: z.expire,
    minimum: z.minimum,
    nsAddresses: z.ns_addresses,
  }))
}

/** CIDR lists from the config (already validated there). */
export function parseCidrs(list: readonly string[]): Cidr[] {
  return list.flatMap((c) => {
    const r = parseCidr(c)
    return r.ok ? [r.value] : []
  })
}

/** The parts of an update service that differ between the server and the command line. */
export interface UpdateServiceParts {
  readonly store: UpdateStore
  readonly gate: CredentialGate
  readonly publisher: ChangePublisher
  readonly guard?: AbuseGuard
  readonly notifier?: Notifier
  readonly failures?: UpdateFailureLog
  /** The router inspector's log; absent: none (the command line). */
  readonly requests?: RequestTraceLog
  /** Shared with DNS UPDATE; absent: one built from the config. */
  readonly addressPolicy?: AddressPolicy
}

/**
 * An update service with the config's rules (host limit, answer deadline, TXT TTL, one address
 * policy for every writer: HTTP updates, the REST API, the web UI, DNS UPDATE, the CLI).
 */
export function buildUpdateService(config: Config, parts: UpdateServiceParts): UpdateService {
  return new UpdateService({
    ...parts,
    clock: systemClock,
    maxHosts: config.update.max_hosts,
    answerDeadlineMs: config.update.answer_deadline_ms,
    txtTtlSeconds: config.update.txt_ttl_seconds,
    addressPolicy: parts.addressPolicy ?? createAddressPolicy(config.update),
  })
}
