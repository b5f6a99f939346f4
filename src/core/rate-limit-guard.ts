/**
 * The abuse guard of the update path: rate limits per client address, per account and per
 * host, and lockouts after bad credentials. The update service asks it before
 * authenticating (address budgets, lock of the credential at this address), after
 * authenticating (account and host budgets) and tells it the result.
 *
 * What counts: a request with at least one `good`/`nochg` host is one success for the
 * address and the account, and each such host is one success for that host; a request
 * refused for the client's fault (`badauth`, `nohost`, `!yours`, `notfqdn`, `numhost`,
 * `badip`) is one failure for the address (and the account when known). Server trouble
 * (`dnserr`, `911`) and the guard's own `abuse` refusals count for nothing: a router must
 * never be punished for the server's faults, nor kept out longer for waiting politely.
 *
 * Password guesses spread over many addresses: lockouts and address budgets are per address,
 * so bad passwords for one account name are also counted across all addresses
 * (`accountBad`). Over that budget, passwords for the name are refused from every address
 * that has not logged in as it before (remembered in memory, bounded), so the owner's
 * routers keep working while a spread attack gets `accountBad` guesses per window in total.
 *
 * Outside the dialects: REST API record changes (already authenticated) pass
 * `admitAuthenticated` and `settled`; web UI logins use `spreadWait` and `passwordChecked`,
 * so their bad passwords share the name's `accountBad` budget.
 */
import type { Cidr, IpAddress } from './addresses.ts'
import type { Principal } from './auth.ts'
import type { Lockouts } from './lockout.ts'
import { parseName } from './names.ts'
import { sourceKey, type Budget, type Limited, type RateLimiter } from './rate-limit.ts'
import type { Credentials, UpdateIntent, UpdateResult } from './update-intent.ts'

/** Budgets per scope. */
export interface GuardBudgets {
  /** Successful requests per client address and per account. */
  readonly good: Budget
  /** Successful updates per host. */
  readonly hostGood: Budget
  /** Failed requests per client address and per account. */
  readonly bad: Budget
  /** Bad passwords for one account name from all addresses together. */
  readonly accountBad?: Budget
}

/** Options of the guard; either part may be absent (turned off). */
export interface GuardOptions {
  readonly limiter?: RateLimiter
  readonly budgets: GuardBudgets
  readonly lockouts?: Lockouts
  /** Client addresses no budget applies to (loopback by default: the host itself). */
  readonly exempt?: readonly Cidr[]
  /** Most (account name, address) pairs remembered as having logged in. */
  readonly maxKnownSources?: number
}

/** Rate limits and lockouts around the update path. */
export class AbuseGuard {
  readonly #o: GuardOptions
  // `name source` pairs that logged in; Map order is least recently seen first.
  readonly #known = new Map<string, true>()
  // Requests whose credential had a lockout record at `admit`: only those have one to clear,
  // so a clean router ping reads the lockout table once, not twice.
  readonly #recorded = new WeakSet<UpdateIntent>()
  // The keys a ping is counted under, built once per address, account and host name.
  readonly #sources: KeyCache<string, Verdicts>
  readonly #accounts: KeyCache<number, Verdicts>
  readonly #hostsByName: KeyCache<string, Limited | null>
  readonly #hostsByFqdn: KeyCache<string, Limited>
  readonly #names: KeyCache<string, Limited> | undefined

  constructor(options: GuardOptions) {
    this.#o = options
    const { good, hostGood, bad } = options.budgets
    const verdicts = (key: string): Verdicts => ({
      good: { key: `good:${key}`, budget: good },
      bad: { key: `bad:${key}`, budget: bad },
    })
    const host = (fqdn: string): Limited => ({ key: `host:${fqdn}`, budget: hostGood })
    this.#sources = new KeyCache((text) => verdicts(`ip:${sourceKey(addressOf(text))}`))
    this.#accounts = new KeyCache((id) => verdicts(`user:${String(id)}`))
    this.#hostsByFqdn = new KeyCache(host)
    const accountBad = options.budgets.accountBad
    this.#names =
      accountBad &&
      new KeyCache((n) => ({
        key: `bad:name:${n.slice(0, 200).toLowerCase()}`,
        budget: accountBad,
      }))
    this.#hostsByName = new KeyCache((h) => {
      const name = parseName(h)
      return name.ok ? host(name.value) : null
    })
  }

  /** Before authenticating: the address's budgets, then the credential's lock here. */
  async admit(intent: UpdateIntent): Promise<UpdateResult | undefined> {
    const wait = this.#limiter(intent)?.check(this.#addressLimits(intent.clientIp))
    if (wait !== undefined) return abuse('too many requests from this address', wait)
    const c = intent.credentials
    const left = c?.kind === 'basic' ? this.spreadWait(c.username, intent.clientIp) : undefined
    if (left !== undefined)
      return abuse('too many bad passwords for this account from new addresses', left)
    const subject = lockSubject(intent.credentials)
    if (subject === undefined || this.#o.lockouts === undefined) return undefined
    const { lockedFor: locked, recorded } = await this.#o.lockouts.inspect(subject, intent.clientIp)
    if (recorded) this.#recorded.add(intent)
    if (locked === undefined) return undefined
    return abuse('locked out after repeated bad credentials from this address', locked)
  }

  /** Bad credentials: one more failure for the credential at this address. */
  async authFailed(intent: UpdateIntent): Promise<void> {
    const subject = lockSubject(intent.credentials)
    if (subject !== undefined) await this.#o.lockouts?.failed(subject, intent.clientIp)
  }

  /** After authenticating: clears the credential's failures here; the account's and hosts' budgets. */
  async authenticated(
    intent: UpdateIntent,
    principal: Principal,
  ): Promise<UpdateResult | undefined> {
    const subject = lockSubject(intent.credentials)
    if (subject !== undefined && this.#recorded.has(intent))
      await this.#o.lockouts?.succeeded(subject, intent.clientIp)
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
    const spread = this.#accountGuesses(intent)
    if (spread !== undefined && principal !== undefined) this.#remember(spread.key, intent.clientIp)
    else if (spread !== undefined && result.kind === 'rejected' && result.code === 'badauth')
      keys.push(spread)
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
  async admitAuthenticated(
    intent: UpdateIntent,
    principal: Principal,
  ): Promise<UpdateResult | undefined> {
    const wait = this.#limiter(intent)?.check(this.#addressLimits(intent.clientIp))
    if (wait !== undefined) return abuse('too many requests from this address', wait)
    return this.authenticated(intent, principal)
  }

  /**
   * Seconds to wait before a password for `username` is checked from `client`, when bad
   * passwords for the name from all addresses passed `accountBad` and `client` never logged
   * in as it; else undefined. For logins outside the update path (the web UI).
   */
  spreadWait(username: string, client: IpAddress): number | undefined {
    const spread = this.#nameGuesses(username)
    if (spread === undefined || this.#known.has(this.#knownKey(spread.key, client)))
      return undefined
    return this.#limiterFor(client)?.check([spread])
  }

  /** A password for `username` was checked from `client`: a bad one counts, a good one is remembered. */
  passwordChecked(username: string, client: IpAddress, good: boolean): void {
    const spread = this.#nameGuesses(username)
    if (spread === undefined) return
    if (good) this.#remember(spread.key, client)
    else this.#limiterFor(client)?.record([spread])
  }

  /** Drops idle rate-limit keys; returns how many. */
  sweep(): number {
    return this.#o.limiter?.sweep() ?? 0
  }

  #limiter(intent: UpdateIntent): RateLimiter | undefined {
    return this.#limiterFor(intent.clientIp)
  }

  #limiterFor(client: IpAddress): RateLimiter | undefined {
    const exempt = this.#o.exempt?.some((c) => c.contains(client)) === true
    return exempt ? undefined : this.#o.limiter
  }

  // The account-wide budget of bad secrets sent with a user name (Basic auth, `username=`).
  #accountGuesses(intent: UpdateIntent): Limited | undefined {
    const c = intent.credentials
    return c?.kind === 'basic' ? this.#nameGuesses(c.username) : undefined
  }

  #nameGuesses(username: string): Limited | undefined {
    return this.#names?.get(username)
  }

  #knownKey(key: string, client: IpAddress): string {
    return `${key} ${sourceKey(client)}`
  }

  #remember(key: string, client: IpAddress): void {
    const k = this.#knownKey(key, client)
    this.#known.delete(k)
    if (this.#known.size >= (this.#o.maxKnownSources ?? 100_000)) {
      const oldest = this.#known.keys().next()
      if (oldest.done !== true) this.#known.delete(oldest.value)
    }
    this.#known.set(k, true)
  }

  #addressLimits(ip: IpAddress): Limited[] {
    const source = this.#sources.get(ip.text)
    return [source.good, source.bad]
  }
}

/** A request's keys under each verdict. */
interface Verdicts {
  readonly good: Limited
  readonly bad: Limited
}

/** Values made from a key once and kept; bounded (cleared when full), as keys come from clients. */
class KeyCache<K, V> {
  readonly #map = new Map<K, V>()
  readonly #make: (key: K) => V

  constructor(make: (key: K) => V) {
    this.#make = make
  }

  get(key: K): V {
    let value = this.#map.get(key)
    if (value === undefined) {
      if (this.#map.size >= KEY_CACHE_MAX) this.#map.clear()
      value = this.#make(key)
      this.#map.set(key, value)
    }
    return value
  }
}

const KEY_CACHE_MAX = 10_000

// An address from its canonical text (an `IpAddress`'s), for `sourceKey`.
function addressOf(text: string): IpAddress {
  return { family: text.includes(':') ? 6 : 4, text }
}

/** What a lock is keyed by: the user name as sent, or "a bare token". */
export function lockSubject(credentials: Credentials | null): string | undefined {
  if (credentials === null) return undefined
  if (credentials.kind === 'token') return 'token'
  return `user:${credentials.username.slice(0, 200)}`
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
