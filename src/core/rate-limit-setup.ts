/**
 * Builds the abuse guard and the address policy from config-shaped settings (the
 * `[rate_limit]` table, the `security.lockout_*` and `update.address_policy*` keys), so
 * the composition root only hands over the store, the clock and where lock events go.
 */
import { parseCidr, type Cidr } from './addresses.ts'
import { AddressPolicy, type AddressPolicyMode } from './address-policy.ts'
import { Lockouts, type LockEvent, type LockoutStore } from './lockout.ts'
import type { Fqdn } from './names.ts'
import type { Clock } from './ports.ts'
import { MemoryWindowCounters, RateLimiter, type WindowCounters } from './rate-limit.ts'
import { AbuseGuard } from './rate-limit-guard.ts'

/** The config keys the guard reads (as parsed by the config schema). */
export interface GuardSettings {
  readonly rate_limit: {
    readonly enabled: boolean
    readonly good_window_seconds: number
    readonly good_max: number
    readonly host_good_max: number
    readonly bad_window_seconds: number
    readonly bad_max: number
    readonly account_bad_max: number
    readonly max_entries: number
    readonly exempt: readonly string[]
  }
  readonly security: {
    readonly lockout_threshold: number
    readonly lockout_base_seconds: number
    readonly lockout_max_seconds: number
    readonly lockout_reset_seconds: number
    readonly lockout_allow: readonly string[]
  }
}

/**
 * The guard for the update path; its counters are `counters` when given (shared with other
 * instances), else this process's own.
 */
export function createAbuseGuard(
  s: GuardSettings,
  store: LockoutStore,
  clock: Clock,
  onLocked?: (event: LockEvent) => void,
  counters?: WindowCounters,
): AbuseGuard {
  const r = s.rate_limit
  const lockouts = new Lockouts({
    store,
    clock,
    settings: {
      threshold: s.security.lockout_threshold,
      baseSeconds: s.security.lockout_base_seconds,
      maxSeconds: s.security.lockout_max_seconds,
      resetSeconds: s.security.lockout_reset_seconds,
    },
    allow: cidrs(s.security.lockout_allow),
    ...(onLocked === undefined ? {} : { onLocked }),
  })
  return new AbuseGuard({
    ...(r.enabled
      ? { limiter: new RateLimiter(counters ?? new MemoryWindowCounters(r.max_entries), clock) }
      : {}),
    budgets: {
      good: { windowSeconds: r.good_window_seconds, max: r.good_max },
      hostGood: { windowSeconds: r.good_window_seconds, max: r.host_good_max },
      bad: { windowSeconds: r.bad_window_seconds, max: r.bad_max },
      accountBad: { windowSeconds: r.bad_window_seconds, max: r.account_bad_max },
    },
    maxKnownSources: r.max_entries,
    lockouts,
    exempt: cidrs(r.exempt),
  })
}

/** The address policy from `update.address_policy*`. */
export function createAddressPolicy(update: {
  readonly address_policy: AddressPolicyMode
  readonly address_policy_public: readonly string[]
  readonly address_policy_any: readonly string[]
}): AddressPolicy {
  const zones = new Map<Fqdn, AddressPolicyMode>()
  for (const z of update.address_policy_public) zones.set(z as Fqdn, 'public')
  for (const z of update.address_policy_any) zones.set(z as Fqdn, 'any')
  return new AddressPolicy({ mode: update.address_policy, zones })
}

function cidrs(list: readonly string[]): Cidr[] {
  return list.flatMap((c) => {
    const r = parseCidr(c)
    return r.ok ? [r.value] : []
  })
}
