/**
 * Builds the abuse guard, the credential gate and the address policy from config-shaped
 * settings (the `[rate_limit]` table, the `security.lockout_*`, `security.password_cache_seconds`
 * and `update.address_policy*` keys), so the composition root only hands over the stores, the
 * clock, the hashers and where lock events go. Guard and gate share one rate limiter.
 */
import { parseCidr, type Cidr } from '../addresses/addresses.ts'
import { AddressPolicy, type AddressPolicyMode } from '../addresses/address-policy.ts'
import { Authenticator } from '../auth/auth.ts'
import { CredentialGate, type GateFailure } from '../auth/credential-gate.ts'
import { Lockouts, type LockEvent, type LockoutStore } from '../auth/lockout.ts'
import type { Fqdn } from '../names.ts'
import type { Clock, KeyedHasher, PasswordHasher, UpdateStore } from '../ports.ts'
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
    readonly password_cache_seconds: number
  }
}

/** What the guards need besides settings. */
export interface GuardDeps {
  readonly store: UpdateStore
  readonly lockoutStore: LockoutStore
  readonly hasher: KeyedHasher
  readonly passwords: PasswordHasher
  readonly clock: Clock
  /** Told when a (credential, address) pair is first locked in an episode. */
  readonly onLocked?: (event: LockEvent) => void
  /** Told of each failure the gate counts. */
  readonly onFailure?: (failure: GateFailure) => void
  /** Counters shared with other instances; absent: this process's own. */
  readonly counters?: WindowCounters
}

/** The update path's rate limits and the credential gate every door shares. */
export interface Guards {
  readonly guard: AbuseGuard
  readonly gate: CredentialGate
}

/** The guard of the update path and the credential gate, over one rate limiter. */
export function createGuards(s: GuardSettings, d: GuardDeps): Guards {
  const r = s.rate_limit
  const lockouts = new Lockouts({
    store: d.lockoutStore,
    clock: d.clock,
    settings: {
      threshold: s.security.lockout_threshold,
      baseSeconds: s.security.lockout_base_seconds,
      maxSeconds: s.security.lockout_max_seconds,
      resetSeconds: s.security.lockout_reset_seconds,
    },
    allow: cidrs(s.security.lockout_allow),
    ...(d.onLocked === undefined ? {} : { onLocked: d.onLocked }),
  })
  const limiter = r.enabled
    ? new RateLimiter(d.counters ?? new MemoryWindowCounters(r.max_entries), d.clock)
    : undefined
  const exempt = cidrs(r.exempt)
  const bad = { windowSeconds: r.bad_window_seconds, max: r.bad_max }
  const guard = new AbuseGuard({
    ...(limiter === undefined ? {} : { limiter }),
    budgets: {
      good: { windowSeconds: r.good_window_seconds, max: r.good_max },
      hostGood: { windowSeconds: r.good_window_seconds, max: r.host_good_max },
      bad,
    },
    exempt,
  })
  const auth = new Authenticator({
    store: d.store,
    hasher: d.hasher,
    passwords: d.passwords,
    clock: d.clock,
    cacheSeconds: s.security.password_cache_seconds,
  })
  const gate = new CredentialGate({
    auth,
    hasher: d.hasher,
    lockouts,
    ...(limiter === undefined ? {} : { limiter }),
    budgets: { bad, accountBad: { windowSeconds: r.bad_window_seconds, max: r.account_bad_max } },
    exempt,
    maxKnownSources: r.max_entries,
    ...(d.onFailure === undefined ? {} : { onFailure: d.onFailure }),
  })
  return { guard, gate }
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
