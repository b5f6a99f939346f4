/**
 * Account administration rules shared by the CLI, the API and the web UI: user names,
 * password hashing, host names inside served zones, and tokens that are shown once and
 * stored only as a keyed hash.
 */
import { findZone, parseName, relativeLabel, type Fqdn } from '../names.ts'
import { parseLan, type LanInput } from '../addresses/lan-addresses.ts'
import type { KeyedHasher, PasswordHasher } from '../ports.ts'
import { err, ok, type Result } from '../result.ts'
import type {
  AccountStore,
  HistoryItem,
  HistoryMark,
  HostSettings,
  HostSummary,
  TokenSummary,
  UserFields,
  UserSummary,
} from './account-store.ts'
import { changeHost, type HostSettingsInput } from './host-settings.ts'
import type { TokenScope } from '../auth/token-scope.ts'
import type { Cidr } from '../addresses/addresses.ts'
import type { RestrictableType, TokenRestrictions } from '../auth/token-restrictions.ts'
import type { GroupSummary } from './group-store.ts'
import * as groups from './prefix-groups.ts'
import type { AccountError } from './account-error.ts'
import { conflictMessage, ownershipConflict } from './name-ownership.ts'
import { CHANGE_MAIL_FAMILIES, MAX_QUIET_MINUTES, type ChangeMails } from './account-store.ts'

export type { AccountError } from './account-error.ts'

/** Options of the account service. */
export interface AccountServiceOptions {
  readonly store: AccountStore
  readonly passwords: PasswordHasher
  readonly hasher: KeyedHasher
  readonly randomBytes: (size: number) => Uint8Array
  readonly now: () => Date
}

const USER_NAME = /^[a-z0-9][a-z0-9._@+-]{0,63}$/i
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** Generates a token secret: 160 random bits as 32 base32 characters, safe in URLs and forms. */
export function generateTokenSecret(randomBytes: (size: number) => Uint8Array): string {
  const bytes = randomBytes(20)
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31)
      bits -= 5
    }
  }
  return out
}

/** The keyed hash a token is stored and looked up by. */
export function tokenHash(hasher: KeyedHasher, secret: string): string {
  return hasher.digest(`token\0${secret}`)
}

/** Users, hosts and tokens. */
export class AccountService {
  readonly #options: AccountServiceOptions

  constructor(options: AccountServiceOptions) {
    this.#options = options
  }

  /** Creates a user; the password may be omitted (token-only accounts). */
  async addUser(input: {
    name: string
    password?: string
    email?: string
    admin?: boolean
  }): Promise<Result<UserSummary, AccountError>> {
    if (!USER_NAME.test(input.name)) {
      return err({
        code: 'invalid',
        message: `invalid user name "${input.name.slice(0, 70)}": use 1-64 letters, digits and . _ @ + -`,
      })
    }
    if (input.password !== undefined && input.password.length < 8) {
      return err({ code: 'invalid', message: 'password must be at least 8 characters' })
    }
    if (await this.#options.store.userByName(input.name)) {
      return err({ code: 'exists', message: `user "${input.name}" already exists` })
    }
    const hash =
      input.password === undefined ? null : await this.#options.passwords.hash(input.password)
    const user = await this.#options.store.insertUser({
      name: input.name,
      email: input.email ?? null,
      passwordHash: hash,
      isAdmin: input.admin ?? false,
      createdAt: this.#options.now().toISOString(),
    })
    return ok(user)
  }

  /** Sets a new password. */
  async setPassword(name: string, password: string): Promise<Result<void, AccountError>> {
    if (password.length < 8)
      return err({ code: 'invalid', message: 'password must be at least 8 characters' })
    const user = await this.#options.store.userByName(name)
    if (!user) return err(notFound('user', name))
    await this.#options.store.updatePassword(user.id, await this.#options.passwords.hash(password))
    return ok(undefined)
  }

  /** Sets or clears a user's email and/or admin flag; absent fields stay. */
  async setUserFields(name: string, fields: UserFields): Promise<Result<void, AccountError>> {
    const mails = fields.changeMails
    if (mails !== undefined) {
      const bad = changeMailsProblem(mails)
      if (bad !== undefined) return err({ code: 'invalid', message: bad })
    }
    const user = await this.#options.store.userByName(name)
    if (!user) return err(notFound('user', name))
    await this.#options.store.setUserFields(user.id, fields)
    return ok(undefined)
  }

  /** Deletes a user with their hosts and tokens; returns the zones whose records changed. */
  async deleteUser(name: string): Promise<Result<Fqdn[], AccountError>> {
    const user = await this.#options.store.userByName(name)
    if (!user) return err(notFound('user', name))
    return ok(await this.#options.store.deleteUser(user.id, this.#options.now().toISOString()))
  }

  /** Lists users. */
  listUsers(): Promise<UserSummary[]> {
    return this.#options.store.listUsers()
  }

  /**
   * Adds a host (an FQDN inside a served zone) owned by a user; not on another user's
   * branch of the name tree (`name-ownership.ts`), whoever asks.
   */
  async addHost(input: {
    fqdn: string
    owner: string
    ttl?: number
    expiryTtl?: number
  }): Promise<Result<HostSummary, AccountError>> {
    const name = parseName(input.fqdn)
    if (!name.ok) return err({ code: 'invalid', message: name.error.message })
    const zones = await this.#options.store.zoneNames()
    const zone = findZone(name.value, zones)
    if (zone === undefined) {
      return err({
        code: 'invalid',
        message: `"${name.value}" is in none of the served zones (${zones.join(', ') || 'none'})`,
      })
    }
    if (
      input.ttl !== undefined &&
      (!Number.isInteger(input.ttl) || input.ttl < 1 || input.ttl > 604800)
    ) {
      return err({
        code: 'invalid',
        message: 'TTL must be a whole number of seconds from 1 to 604800',
      })
    }
    const expiry = input.expiryTtl
    if (expiry !== undefined && (!Number.isInteger(expiry) || expiry < 0 || expiry > 31536000)) {
      return err({
        code: 'invalid',
        message: 'expiry TTL must be a whole number of seconds from 0 (never) to 31536000',
      })
    }
    const owner = await this.#options.store.userByName(input.owner)
    if (!owner) return err(notFound('user', input.owner))
    if (await this.#options.store.hostByName(name.value)) {
      return err({ code: 'exists', message: `host "${name.value}" already exists` })
    }
    const near = await this.#options.store.hostsNear(name.value, zone)
    const other = ownershipConflict(name.value, zone, owner.name, near)
    if (other !== undefined) {
      return err({ code: 'exists', message: conflictMessage(name.value, other) })
    }
    // The zone's rules hold for hosts too (RFC 1034 §3.6.2, §4.2.1): the same rules every
    // static-record door checks, seen from the host's side.
    const clash = (await this.#options.store.staticClashes(name.value, zone))[0]
    if (clash !== undefined) {
      return err({ code: 'exists', message: clashMessage(name.value, clash) })
    }
    return ok(
      await this.#options.store.insertHost({
        zone,
        label: relativeLabel(name.value, zone),
        ownerId: owner.id,
        ttl: input.ttl ?? null,
        ...(expiry === undefined ? {} : { expiryTtl: expiry }),
        createdAt: this.#options.now().toISOString(),
      }),
    )
  }

  /**
   * Sets or clears (`null`) a host's LAN addresses (split horizon): clients whose address is
   * the host's WAN address get these instead. Bad input changes nothing.
   */
  async setHostLan(fqdn: string, lan: LanInput): Promise<Result<HostSummary, AccountError>> {
    const name = parseName(fqdn)
    if (!name.ok) return err({ code: 'invalid', message: name.error.message })
    const parsed = parseLan(lan)
    if (!parsed.ok) return err({ code: 'invalid', message: parsed.error })
    const host = await this.#options.store.hostByName(name.value)
    if (!host) return err(notFound('host', name.value))
    await this.#options.store.setHostLan(host.id, parsed.value)
    return ok(host)
  }

  /**
   * Changes a host's LAN addresses, prefix group, DNS TTL and expiry TTL together: all are
   * checked first and written in one transaction, so a failure changes nothing.
   */
  changeHost(fqdn: string, input: HostSettingsInput): Promise<Result<HostSummary, AccountError>> {
    return changeHost(this.#options.store, fqdn, input, this.#options.now())
  }

  /** Deletes a host and its records; returns the zone whose records changed. */
  async deleteHost(fqdn: string): Promise<Result<Fqdn, AccountError>> {
    const name = parseName(fqdn)
    if (!name.ok) return err({ code: 'invalid', message: name.error.message })
    const host = await this.#options.store.hostByName(name.value)
    if (!host) return err(notFound('host', name.value))
    await this.#options.store.deleteHost(host.id, this.#options.now().toISOString())
    return ok(host.zone)
  }

  /** A listed host's settings (expiry, LAN addresses, last client, group). */
  hostSettings(host: HostSummary): Promise<HostSettings | undefined> {
    return this.#options.store.hostSettings(host.id)
  }

  /** Up to `limit` entries of a listed host's history, newest first, after `before`. */
  history(host: HostSummary, limit: number, before?: HistoryMark): Promise<HistoryItem[]> {
    return this.#options.store.historyPage(host.id, limit, before)
  }

  /** Lists hosts, optionally of one user. */
  listHosts(owner?: string): Promise<HostSummary[]> {
    return this.#options.store.listHosts(owner)
  }

  /** Creates a token; the secret is returned once and never stored. */
  async createToken(input: {
    owner: string
    host?: string
    label?: string
    expiresAt?: Date
    /** Default `all`; `acme` tokens change only `_acme-challenge` TXT values. */
    scope?: TokenScope
    /** More hosts (with `host`): the token may change only these. */
    hosts?: readonly string[]
    /** Record types the token may write; absent means any its scope allows. */
    recordTypes?: readonly RestrictableType[]
    /** Ranges the client address must be inside; absent means anywhere. */
    sources?: readonly Cidr[]
  }): Promise<Result<{ token: TokenSummary; secret: string }, AccountError>> {
    const owner = await this.#options.store.userByName(input.owner)
    if (!owner) return err(notFound('user', input.owner))
    const hostIds: number[] = []
    for (const wanted of [
      ...(input.host === undefined ? [] : [input.host]),
      ...(input.hosts ?? []),
    ]) {
      const name = parseName(wanted)
      if (!name.ok) return err({ code: 'invalid', message: name.error.message })
      const host = await this.#options.store.hostByName(name.value)
      if (!host) return err(notFound('host', name.value))
      if (host.owner !== owner.name) {
        return err({ code: 'invalid', message: `host "${name.value}" belongs to another user` })
      }
      if (!hostIds.includes(host.id)) hostIds.push(host.id)
    }
    // An API token makes no DNS updates: a host or type limit would mean nothing (and no path
    // would hold it to one), so it may carry source ranges and an expiry only.
    if (input.scope === 'api' && (hostIds.length > 0 || input.recordTypes !== undefined)) {
      return err({ code: 'invalid', message: 'an api token cannot be limited to hosts or types' })
    }
    if (input.recordTypes?.length === 0 || input.sources?.length === 0) {
      return err({ code: 'invalid', message: 'an empty type or source list would allow nothing' })
    }
    // One host keeps the classic host-bound token (it may omit the hostname); more go to a list.
    const hostId = hostIds.length === 1 ? (hostIds[0] ?? null) : null
    const restrictions: TokenRestrictions = {
      ...(hostIds.length > 1 ? { hostIds } : {}),
      ...(input.recordTypes === undefined ? {} : { recordTypes: input.recordTypes }),
      ...(input.sources === undefined ? {} : { sources: input.sources }),
    }
    const secret = generateTokenSecret(this.#options.randomBytes)
    const token = await this.#options.store.insertToken({
      ownerId: owner.id,
      hash: tokenHash(this.#options.hasher, secret),
      label: (input.label ?? '').slice(0, 100),
      hostId,
      expiresAt: input.expiresAt?.toISOString() ?? null,
      createdAt: this.#options.now().toISOString(),
      scope: input.scope ?? 'all',
      ...(Object.keys(restrictions).length === 0 ? {} : { restrictions }),
    })
    return ok({ token, secret })
  }

  /** Creates a token for a host's owner, bound to that host (acme-dns registration). */
  async createHostToken(
    fqdn: string,
    input: { label?: string; scope?: TokenScope; sources?: readonly Cidr[]; expiresAt?: Date },
  ): Promise<Result<{ token: TokenSummary; secret: string }, AccountError>> {
    const name = parseName(fqdn)
    if (!name.ok) return err({ code: 'invalid', message: name.error.message })
    const host = await this.#options.store.hostByName(name.value)
    if (!host) return err(notFound('host', name.value))
    return this.createToken({ owner: host.owner, host: host.fqdn, ...input })
  }

  /** Lists tokens (never their secrets). */
  listTokens(owner?: string): Promise<TokenSummary[]> {
    return this.#options.store.listTokens(owner)
  }

  /** Creates an IPv6 prefix group owned by a user. */
  addGroup(input: {
    name: string
    owner: string
    prefixLength: number
  }): Promise<Result<GroupSummary, AccountError>> {
    return groups.addGroup(this.#options.store, input, this.#options.now())
  }

  /** Lists prefix groups with their members, optionally of one user. */
  listGroups(owner?: string): Promise<GroupSummary[]> {
    return this.#options.store.listGroups(owner)
  }

  /** Deletes a prefix group (its members keep their records). */
  deleteGroup(name: string): Promise<Result<void, AccountError>> {
    return groups.deleteGroup(this.#options.store, name)
  }

  /** Puts a host in a prefix group with its interface identifier. */
  joinGroup(input: {
    host: string
    group: string
    iid: string
  }): Promise<Result<{ host: string; iid: string }, AccountError>> {
    return groups.joinGroup(this.#options.store, input)
  }

  /** Takes a host out of its prefix group. */
  leaveGroup(fqdn: string): Promise<Result<void, AccountError>> {
    return groups.leaveGroup(this.#options.store, fqdn)
  }

  /** Revokes a token by id. */
  async revokeToken(id: number): Promise<Result<void, AccountError>> {
    return (await this.#options.store.deleteToken(id))
      ? ok(undefined)
      : err(notFound('token', String(id)))
  }
}

function notFound(kind: string, name: string): AccountError {
  return { code: 'not-found', message: `${kind} "${name}" not found` }
}

// Families from the list; a quiet period of whole minutes, 0 to MAX_QUIET_MINUTES.
function changeMailsProblem(m: ChangeMails): string | undefined {
  if (!CHANGE_MAIL_FAMILIES.includes(m.families))
    return `families must be one of ${CHANGE_MAIL_FAMILIES.join(', ')}`
  if (!Number.isInteger(m.quietMinutes) || m.quietMinutes < 0 || m.quietMinutes > MAX_QUIET_MINUTES)
    return `the quiet period must be 0 to ${String(MAX_QUIET_MINUTES)} whole minutes`
  return undefined
}

// Why a host cannot be created where a static record already is.
function clashMessage(name: Fqdn, clash: { name: Fqdn; type: string }): string {
  if (clash.type === 'NS') {
    return `"${name}" is at or below the delegation ${clash.name} (NS): only glue lives there`
  }
  if (clash.type === 'CNAME') {
    return `"${name}" holds a static CNAME record, which stands alone at its name (RFC 1034 §3.6.2): delete it first`
  }
  return `"${name}" holds static ${clash.type} records, and a host's ${clash.type} records are its own updates: delete them first`
}
