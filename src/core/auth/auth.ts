/**
 * Credentials → principal. Tokens are looked up by keyed hash in O(1) (one HMAC per router
 * ping); account passwords are argon2id and a successful check is cached under a keyed hash
 * of (user, password, stored hash) for a bounded time so periodic pings do not burn a core.
 * A changed password changes the stored hash, which invalidates the cache entry by itself.
 *
 * Internal to core: every door checks credentials through `CredentialGate`
 * (credential-gate.ts), which owns the lockouts and failure budgets around these checks; a
 * lint rule keeps `Authenticator` out of every other layer.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { LRUCache } from 'lru-cache'
import { lru } from '../lru.ts'
import type { IpAddress } from '../addresses/addresses.ts'
import type { Credentials } from '../update/update-intent.ts'
import type { Clock, KeyedHasher, PasswordHasher, UpdateStore, UserRecord } from '../ports.ts'
import type { TokenScope } from './token-scope.ts'
import { sourceAllows, type TokenRestrictions } from './token-restrictions.ts'

/** Who an update runs as. */
export interface Principal {
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
  /** Set when authenticated by token. */
  readonly tokenId?: number
  /** A token scoped to one host may update only that host. */
  readonly hostId?: number | null
  /** What the principal may change; absent means `all` (account passwords). */
  readonly scope?: TokenScope
  /** A scoped token's host, record-type and source limits; absent means none. */
  readonly restrictions?: TokenRestrictions
  /** A token's expiry (ISO 8601): what it mints must expire by then. */
  readonly expiresAt?: string
}

/** A token found by its secret. */
export interface TokenMatch {
  readonly principal: Principal
  /** Imported from a low-entropy secret (sftdyn, dyndns53): guessable, so budgets apply. */
  readonly lowEntropy: boolean
}

/** Options of the authenticator. */
export interface AuthOptions {
  readonly store: UpdateStore
  readonly hasher: KeyedHasher
  readonly passwords: PasswordHasher
  readonly clock: Clock
  readonly cacheSeconds: number
  /** Most cached password checks (default 10,000); the least recently used goes first. */
  readonly cacheMaxEntries?: number
}

/** Resolves credentials to a principal, or undefined for bad credentials. */
export class Authenticator {
  readonly #options: AuthOptions
  // Keys of successful password checks, each fresh for `cacheSeconds` on the injected clock.
  readonly #cache: LRUCache<string, true>
  #dummy: Promise<string> | undefined

  constructor(options: AuthOptions) {
    this.#options = options
    this.#cache = lru(options.cacheMaxEntries ?? 10_000, {
      expireMs: options.cacheSeconds * 1000,
      now: () => options.clock.now().getTime(),
    })
  }

  /**
   * Authenticates credentials presented from `from`; `undefined` means bad credentials (never
   * says which part was wrong). A token used outside its source ranges is no credential.
   */
  async authenticate(credentials: Credentials, from: IpAddress): Promise<Principal | undefined> {
    const secret = credentials.secret.reveal()
    if (secret === '') return undefined
    const byToken = await this.token(secret, from)
    if (byToken !== undefined) {
      return tokenFits(credentials, byToken.principal) ? byToken.principal : undefined
    }
    if (credentials.kind !== 'basic') return undefined
    const user = await this.user(credentials.username)
    return user === undefined ? undefined : this.password(user, secret)
  }

  /**
   * The live token with this secret presented from `from`, or undefined (unknown, expired, or
   * used outside its source ranges: then it is no credential at all).
   */
  async token(secret: string, from: IpAddress): Promise<TokenMatch | undefined> {
    if (secret === '') return undefined
    const hash = this.#options.hasher.digest(`token\0${secret}`)
    const token = await this.#options.store.findTokenByHash(hash)
    if (token === undefined || !sameHex(token.hash, hash)) return undefined
    const now = this.#options.clock.now()
    // An unreadable expiry counts as expired: a limit must never turn into no limit.
    if (token.expiresAt !== null && !(Date.parse(token.expiresAt) > now.getTime())) return undefined
    if (!sourceAllows(token.restrictions, from)) return undefined
    // "Last used" to the minute: a write per router ping would cost more than the ping.
    const last = token.lastUsedAt == null ? Number.NaN : Date.parse(token.lastUsedAt)
    if (!(now.getTime() - last < 60_000))
      await this.#options.store.touchToken(token.id, now.toISOString())
    return {
      principal: {
        userId: token.ownerId,
        userName: token.ownerName,
        isAdmin: false,
        tokenId: token.id,
        hostId: token.hostId,
        scope: token.scope ?? 'all',
        ...(token.restrictions === undefined ? {} : { restrictions: token.restrictions }),
        ...(token.expiresAt === null ? {} : { expiresAt: token.expiresAt }),
      },
      lowEntropy: token.lowEntropy === true,
    }
  }

  /** The user a name names, or undefined. */
  async user(name: string): Promise<UserRecord | undefined> {
    return name === '' ? undefined : this.#options.store.findUserByName(name)
  }

  /** Checks an account password (argon2id, cached after a success). */
  async password(user: UserRecord, password: string): Promise<Principal | undefined> {
    if (user.passwordHash === null) return undefined
    const principal = { userId: user.id, userName: user.name, isAdmin: user.isAdmin }
    const key = this.#options.hasher.digest(
      `pw\0${String(user.id)}\0${user.passwordHash}\0${password}`,
    )
    if (this.#cache.get(key) === true) return principal
    if (!(await this.#options.passwords.verify(user.passwordHash, password))) return undefined
    if (this.#options.cacheSeconds > 0) this.#cache.set(key, true)
    return principal
  }

  /** The argon2 work of a password check, for a name that has no password: no enumeration by timing. */
  async noPassword(password: string): Promise<void> {
    this.#dummy ??= this.#options.passwords.hash(randomBytes(16).toString('hex'))
    await this.#options.passwords.verify(await this.#dummy, password)
  }
}

/**
 * With a token, the Basic user name may be empty, the owner's name or any hostname: routers
 * and dyndns53-style clients put the hostname there. The host check happens per host.
 */
export function tokenFits(credentials: Credentials, owner: Principal): boolean {
  if (credentials.kind !== 'basic') return true
  const name = credentials.username
  return name === '' || name === owner.userName || name.includes('.')
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}
