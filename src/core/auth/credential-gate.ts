/**
 * The one guarded credential check. Every door that takes a password, a token or a key
 * (the update dialects, acme-dns `/register`, REST API bearer tokens, the web login, and a
 * DNS UPDATE's TSIG key) asks this gate, so no door can skip its budgets:
 *
 * - per (credential, address) lockouts (lockout.ts);
 * - the address's failure budget (`bad:ip:<address>`, `rate_limit.bad_*`, shared with the
 *   update path's other client faults);
 * - the account-wide budget of bad secrets sent with one user name from all addresses
 *   (`bad:name:<subject>`, `rate_limit.account_bad_max`); over it, passwords for the name are
 *   refused from addresses that never logged in as it;
 * - the constant-time token compare and the argon2 cache (auth.ts, reachable only from here).
 *
 * A valid generated token (160 bits from the CSPRNG) cannot be guessed, so no password budget
 * and no lockout ever refuses it: otherwise anyone could keep a router out by guessing its
 * owner's password. Its successes touch no password state either (a router behind the same
 * NAT as a guesser must not reset the guesser's lock). Tokens imported from guessable secrets
 * (sftdyn, dyndns53; `lowEntropy`) are checked like passwords. Every failure counts, whatever
 * the door: bad bearer tokens and bad TSIG MACs too.
 *
 * A user name that names no user (a token typed into the name field, a guess) is never kept
 * in clear: its subject is `unknown:<HMAC under the pepper>`, in the lockout table, the shared
 * counters and the lockout log line alike.
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../lru.ts'
import type { Cidr, IpAddress } from '../addresses/addresses.ts'
import { tokenFits, type Authenticator, type Principal, type TokenMatch } from './auth.ts'
import type { Lockouts } from './lockout.ts'
import type { KeyedHasher } from '../ports.ts'
import { sourceKey, type Budget, type Limited, type RateLimiter } from '../rate-limit/rate-limit.ts'
import { err, ok, type Result } from '../result.ts'
import { Secret } from './secret.ts'
import type { Credentials } from '../update/update-intent.ts'

/** Every place credentials are presented; a new one is added here and to the door test. */
export const DOORS = ['update', 'acme-register', 'api', 'web-login', 'dns-update'] as const

/** A place credentials are presented. */
export type Door = (typeof DOORS)[number]

/** One presented credential. */
export interface CredentialAttempt {
  readonly door: Door
  readonly credentials: Credentials
  readonly source: IpAddress
  /** What the door takes: account passwords only, tokens only, or either (the default). */
  readonly accepts?: 'password' | 'token' | 'any'
}

/** Why a credential was refused. */
export type GateRefusal =
  | { readonly code: 'badauth' }
  | {
      readonly code: 'abuse'
      /** Whether this address is held, or the account for addresses new to it. */
      readonly scope: 'address' | 'account'
      readonly message: string
      readonly retryAfterSeconds: number
    }

/** One counted failure (for logs and tests; the subject is never a secret). */
export interface GateFailure {
  readonly door: Door
  readonly subject: string
  readonly source: string
}

/** Options of the gate; the limiter and lockouts may be absent (turned off). */
export interface CredentialGateOptions {
  readonly auth: Authenticator
  readonly hasher: KeyedHasher
  readonly lockouts?: Lockouts
  readonly limiter?: RateLimiter
  readonly budgets: {
    /** Failed requests per client address (the same key as the update path's). */
    readonly bad: Budget
    /** Bad secrets for one user name from all addresses together. */
    readonly accountBad?: Budget
  }
  /** Client addresses no budget applies to. */
  readonly exempt?: readonly Cidr[]
  /** Most (name, address) pairs remembered as having logged in (default 100,000). */
  readonly maxKnownSources?: number
  /** Told of each counted failure. */
  readonly onFailure?: (failure: GateFailure) => void
}

/** The guarded credential check every door goes through. */
export class CredentialGate {
  readonly #options: CredentialGateOptions
  // `name-key source` pairs that logged in with a password; least recently seen first.
  readonly #known: LRUCache<string, true>
  // Per client address: the last guessable check queued (see `check`).
  readonly #queues = new Map<string, Promise<void>>()

  constructor(options: CredentialGateOptions) {
    this.#options = options
    this.#known = lru(options.maxKnownSources ?? 100_000)
  }

  /** Checks one credential: the principal, or why not. Counts the outcome. */
  async check(a: CredentialAttempt): Promise<Result<Principal, GateRefusal>> {
    const secret = a.credentials.secret.reveal()
    const accepts = a.accepts ?? 'any'
    const token =
      accepts === 'password' ? undefined : await this.#options.auth.token(secret, a.source)
    const fit = token !== undefined && tokenFits(a.credentials, token.principal) ? token : undefined
    // A valid generated token is never refused by password budgets or lockouts.
    if (fit !== undefined && !fit.lowEntropy) return ok(fit.principal)
    // Guessable credentials from one address are checked one at a time: a budget or lock
    // is read before the check and counted after it, so parallel guesses would otherwise
    // all pass the read before the first is counted.
    return this.#oneAtATime(sourceKey(a.source), () => this.#guarded(a, fit, token !== undefined))
  }

  /**
   * A second factor (a TOTP or recovery code) for a user who already gave the password: held
   * and counted like a bad password of that user, in the per-(user, source) lockout, the
   * address's failure budget and the account-wide budget. `verify` runs only when no budget
   * holds the attempt.
   */
  async secondFactor(
    a: { readonly door: Door; readonly username: string; readonly source: IpAddress },
    verify: () => Promise<boolean>,
  ): Promise<Result<void, GateRefusal>> {
    const attempt: CredentialAttempt = {
      door: a.door,
      credentials: { kind: 'basic', username: a.username, secret: new Secret('') },
      source: a.source,
      accepts: 'password',
    }
    return this.#oneAtATime(sourceKey(a.source), async () => {
      const subject = await this.subjectOf(attempt.credentials)
      const held = await this.#held(subject, attempt)
      if (held.refusal !== undefined) return err(held.refusal)
      if (!(await verify())) {
        await this.#failed(subject, attempt)
        return err({ code: 'badauth' })
      }
      if (held.recorded) await this.#options.lockouts?.succeeded(subject, a.source)
      return ok(undefined)
    })
  }

  async #guarded(
    a: CredentialAttempt,
    fit: TokenMatch | undefined,
    wasToken: boolean,
  ): Promise<Result<Principal, GateRefusal>> {
    const subject = await this.subjectOf(a.credentials)
    const held = await this.#held(subject, a)
    if (held.refusal !== undefined) return err(held.refusal)
    const principal = fit !== undefined ? fit.principal : await this.#password(a, wasToken)
    if (principal === undefined) {
      await this.#failed(subject, a)
      return err({ code: 'badauth' })
    }
    // A bare low-entropy key's success must not reset the lock of whoever guesses bare
    // keys from the same address (`token` is every bare key's subject there).
    if (held.recorded && subject !== 'token')
      await this.#options.lockouts?.succeeded(subject, a.source)
    const name = this.#nameKey(a.credentials, subject)
    if (name !== undefined) this.#remember(name.key, a.source)
    return ok(principal)
  }

  // Runs `fn` after every earlier call with the same key has settled.
  async #oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve()
    const run = previous.then(fn, fn)
    const tail = run.then(
      () => undefined,
      () => undefined,
    )
    this.#queues.set(key, tail)
    try {
      return await run
    } finally {
      if (this.#queues.get(key) === tail) this.#queues.delete(key)
    }
  }

  /**
   * A key checked outside core (a DNS UPDATE's TSIG MAC, verified in constant time by the DNS
   * layer): a bad one counts in the address's failure budget. A valid key, like a generated
   * token, is never refused by budgets.
   */
  keyChecked(door: Door, source: IpAddress, good: boolean): void {
    if (good) return
    this.#limiterFor(source)?.record([this.#addressKey(source)])
    this.#options.onFailure?.({ door, subject: 'key', source: sourceKey(source) })
  }

  /**
   * What a credential is locked and counted under: `token` for a bare token, `user:<name>`
   * for a user's name, `unknown:<keyed hash>` for a name that names no user.
   */
  async subjectOf(credentials: Credentials): Promise<string> {
    if (credentials.kind === 'token') return 'token'
    const name = credentials.username.slice(0, 200)
    const user = await this.#options.auth.user(name)
    return user === undefined ? unknownSubject(this.#options.hasher, name) : `user:${user.name}`
  }

  // Argon2 for a user's password; the same work for a name without one (no enumeration).
  async #password(a: CredentialAttempt, wasToken: boolean): Promise<Principal | undefined> {
    const c = a.credentials
    const accepts = a.accepts ?? 'any'
    if (c.kind !== 'basic' || accepts === 'token' || wasToken) return undefined
    const secret = c.secret.reveal()
    const user = await this.#options.auth.user(c.username.slice(0, 200))
    if (user?.passwordHash == null || secret === '') {
      await this.#options.auth.noPassword(secret)
      return undefined
    }
    return this.#options.auth.password(user, secret)
  }

  async #held(
    subject: string,
    a: CredentialAttempt,
  ): Promise<{ refusal?: GateRefusal; recorded: boolean }> {
    const limiter = this.#limiterFor(a.source)
    const address = limiter?.check([this.#addressKey(a.source)])
    if (address !== undefined)
      return {
        refusal: abuse('address', 'too many failed requests from this address', address),
        recorded: false,
      }
    const name = this.#nameKey(a.credentials, subject)
    if (name !== undefined && !this.#known.has(knownKey(name.key, a.source))) {
      const wait = limiter?.check([name])
      if (wait !== undefined)
        return {
          refusal: abuse(
            'account',
            'too many bad passwords for this account from new addresses',
            wait,
          ),
          recorded: false,
        }
    }
    const lock = await this.#options.lockouts?.inspect(subject, a.source)
    if (lock?.lockedFor !== undefined)
      return {
        refusal: abuse(
          'address',
          'locked out after repeated bad credentials from this address',
          lock.lockedFor,
        ),
        recorded: true,
      }
    return { recorded: lock?.recorded === true }
  }

  async #failed(subject: string, a: CredentialAttempt): Promise<void> {
    await this.#options.lockouts?.failed(subject, a.source)
    const keys = [this.#addressKey(a.source)]
    const name = this.#nameKey(a.credentials, subject)
    if (name !== undefined) keys.push(name)
    this.#limiterFor(a.source)?.record(keys)
    this.#options.onFailure?.({ door: a.door, subject, source: sourceKey(a.source) })
  }

  #limiterFor(source: IpAddress): RateLimiter | undefined {
    const exempt = this.#options.exempt?.some((c) => c.contains(source)) === true
    return exempt ? undefined : this.#options.limiter
  }

  #addressKey(source: IpAddress): Limited {
    return { key: `bad:ip:${sourceKey(source)}`, budget: this.#options.budgets.bad }
  }

  // The account-wide budget of bad secrets sent with a user name.
  #nameKey(c: Credentials, subject: string): Limited | undefined {
    const budget = this.#options.budgets.accountBad
    if (budget === undefined || c.kind !== 'basic') return undefined
    return { key: `bad:name:${subject}`, budget }
  }

  #remember(key: string, source: IpAddress): void {
    this.#known.set(knownKey(key, source), true)
  }
}

/** The subject of a user name that names no user: a keyed hash, never the name itself. */
export function unknownSubject(hasher: KeyedHasher, name: string): string {
  return `unknown:${hasher.digest(`unknown-name\0${name.slice(0, 200)}`).slice(0, 32)}`
}

/**
 * The stored subjects a name given to `lockout lift` may mean: itself when it is one
 * (`token`, `user:…`, `unknown:…`), else the user's name and the keyed hash of a name that
 * names no user, so an operator can lift a lock by the name the client typed.
 */
export function liftSubjects(hasher: KeyedHasher, given: string): string[] {
  if (given === 'token' || /^(user|unknown):/.test(given)) return [given]
  return [`user:${given}`, unknownSubject(hasher, given)]
}

function knownKey(key: string, source: IpAddress): string {
  return `${key} ${sourceKey(source)}`
}

function abuse(
  scope: 'address' | 'account',
  message: string,
  retryAfterSeconds: number,
): GateRefusal {
  return { code: 'abuse', scope, message, retryAfterSeconds }
}
