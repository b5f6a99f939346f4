/**
 * The abuse guard of the update path: rate limits per client address, per account and per
 * host. The update service asks it before the credential check (address budgets), after it
 * (account and host budgets) and tells it the result. Lockouts and the budgets of bad
 * credentials belong to the credential gate (credential-gate.ts), which every door shares.
 *
 * What counts: a request with at least one `good`/`nochg` host is one success for the
 * address and the account, and each such host is one success for that host; a request
 * refused for the client's fault (`badauth`, `nohost`, `!yours`, `notfqdn`, `numhost`,
 * `badip`) is one failure for the address (and the account when known). Server trouble
 * (`dnserr`, `911`) and the guard's own `abuse` refusals count for nothing: a router must
 * never be punished for the server's faults, nor kept out longer for waiting politely. Bad
 * credentials are counted by the credential gate, under the same address key.
 *
 * Outside the dialects: REST API record changes (already authenticated) pass
 * `admitAuthenticated` and `settled`.
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../lru.ts'
import type { Cidr, IpAddress } from '../addresses/addresses.ts'
import type { Principal } from '../auth/auth.ts'
import { parseName } from '../names.ts'
import { sourceKey, type Budget, type Limited, type RateLimiter } from './rate-limit.ts'
import type { UpdateIntent, UpdateResult } from '../update/update-intent.ts'

/** Budgets per scope. */
export interface GuardBudgets {
  /** Successful requests per client address and per account. */
  readonly good: Budget
  /** Successful updates per host. */
  readonly hostGood: Budget
  /** Failed requests per client address and per account. */
  readonly bad: Budget
}

/** Options of the guard; the limiter may be absent (turned off). */
export interface GuardOptions {
  readonly limiter?: RateLimiter
  readonly budgets: GuardBudgets
  /** Client addresses no budget applies to. */
  readonly exempt?: readonly Cidr[]
}

/** Rate limits around the update path. */
export class AbuseGuard {
  readonly #options: GuardOptions
  // The keys a ping is counted under, built once per address, account and host name.
  readonly #sources: KeyCache<string, Verdicts>
  readonly #accounts: KeyCache<number, Verdicts>
  readonly #hostsByName: KeyCache<string, Limited | null>
  readonly #hostsByFqdn: KeyCache<string, Limited>

  constructor(options: GuardOptions) {
    this.#options = options
    const { good, hostGood, bad } = options.budgets
    const verdicts = (key: string): Verdicts => ({
      good: { key: `good:${key}`, budget: good },
      bad: { key: `bad:${key}`, budget: bad },
    })
    const host = (fqdn: string): Limited => ({ key: `host:${fqdn}`, budget: hostGood })
    this.#sources = new KeyCache((text) => verdicts(`ip:${sourceKey(addressOf(text))}`))
    this.#accounts = new KeyCache((id) => verdicts(`user:${String(id)}`))
    this.#hostsByFqdn = new KeyCache(host)
    this.#hostsByName = new KeyCache((h) => {
      const name = parseName(h)
      return name.ok ? host(name.value) : null
    })
  }

  /**
   * Before the credential check: the address's budget of requests. Its failure budget is the
   * credential gate's to apply (credential-gate.ts), after it knows whether the credential is
   * a valid generated token: an address shared with a guesser (carrier-grade NAT, a home
   * network) must not lock out a router holding a token.
   */
  admit(intent: UpdateIntent): UpdateResult | undefined {
    const wait = this.#limiter(intent)?.check([this.#sources.get(intent.clientIp.text).good])
    return wait === undefined ? undefined : abuse('too many requests from this address', wait)
  }

  /** After the credential check: the account's and hosts' budgets. */
  authenticated(intent: UpdateIntent, principal: Principal): UpdateResult | undefined {
    const limiter = this.#limiter(intent)
    if (limiter === undefined) return undefined
    const account = this.#accounts.get(principal.userId)
    const limits = [account.good, account.bad]
    for (const h of intent.hostnames) {
      const host = this.#hostsByName.get(h)
      if (host !== null) limits.push(host)
    }
    const wait = limiter.check(limits)
    return wait === undefined
      ? undefined
      : abuse('too many requests for this account or host', wait)
  }

  /** Counts the finished request against the budgets. */
  settled(intent: UpdateIntent, principal: Principal | undefined, result: UpdateResult): void {
    const limiter = this.#limiter(intent)
    if (limiter === undefined) return
    const verdict = classify(result)
    if (verdict === undefined) return
    const keys: Limited[] = [this.#sources.get(intent.clientIp.text)[verdict]]
    if (principal !== undefined) keys.push(this.#accounts.get(principal.userId)[verdict])
    if (result.kind === 'hosts') {
      for (const o of result.outcomes) {
        if ((o.status === 'good' || o.status === 'nochg') && o.fqdn !== undefined) {
          keys.push(this.#hostsByFqdn.get(o.fqdn))
        }
      }
    }
    limiter.record(keys)
  }

  /**
   * A request authenticated another way (a REST API token or web session, no credentials in
   * the intent): the address's budgets, then the account's and hosts'. Count its result with
   * `settled`.
   */
  admitAuthenticated(intent: UpdateIntent, principal: Principal): UpdateResult | undefined {
    return this.admit(intent) ?? this.authenticated(intent, principal)
  }

  /** Drops idle rate-limit keys; returns how many. */
  sweep(): number {
    return this.#options.limiter?.sweep() ?? 0
  }

  #limiter(intent: UpdateIntent): RateLimiter | undefined {
    return this.#limiterFor(intent.clientIp)
  }

  #limiterFor(client: IpAddress): RateLimiter | undefined {
    const exempt = this.#options.exempt?.some((c) => c.contains(client)) === true
    return exempt ? undefined : this.#options.limiter
  }
}

/** A request's keys under each verdict. */
interface Verdicts {
  readonly good: Limited
  readonly bad: Limited
}

/**
 * Values made from a key once and kept; bounded (least recently used dropped first), as keys
 * come from clients. Boxed, as `lru-cache` holds no null.
 */
export class KeyCache<K extends string | number, V> {
  readonly #cache: LRUCache<K, { readonly value: V }>
  readonly #make: (key: K) => V

  constructor(make: (key: K) => V, max = KEY_CACHE_MAX) {
    this.#make = make
    this.#cache = lru(max)
  }

  /** How many keys are held. */
  get size(): number {
    return this.#cache.size
  }

  get(key: K): V {
    const known = this.#cache.get(key)
    if (known !== undefined) return known.value
    const value = this.#make(key)
    this.#cache.set(key, { value })
    return value
  }
}

const KEY_CACHE_MAX = 10_000

// An address from its canonical text (an `IpAddress`'s), for `sourceKey`.
function addressOf(text: string): IpAddress {
  return { family: text.includes(':') ? 6 : 4, text }
}

function classify(result: UpdateResult): 'good' | 'bad' | undefined {
  if (result.kind === 'rejected') {
    return result.code === '911' || result.code === 'abuse' ? undefined : 'bad'
  }
  if (result.outcomes.some((o) => o.status === 'good' || o.status === 'nochg')) return 'good'
  return result.outcomes.some((o) => o.status !== 'dnserr') ? 'bad' : undefined
}

function abuse(message: string, retryAfterSeconds: number): UpdateResult {
  return { kind: 'rejected', code: 'abuse', message, retryAfterSeconds }
}
