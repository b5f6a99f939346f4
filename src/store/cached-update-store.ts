/**
 * The update path's reads from memory. A router's ping reads its token, its account and its
 * host (with addresses and TXT values), and its lockout state; the answers are kept here and
 * trusted only while the database's cache epochs (migration 0011, raised by triggers on every
 * change to those rows, whoever makes it) read as they did when the answers were cached. One
 * reading of the epochs per event-loop turn (`EpochProbe`) replaces four to six queries.
 *
 * Our own commits raise the `data` epoch too. On SQLite, where a write transaction has the
 * database to itself, a commit that found the epoch where the cache had it moves the cache to
 * the new epoch and forgets only the hosts it wrote; elsewhere (and whenever another writer
 * came between) the caches start over. What is not found (an unknown token or host) is read
 * again each time, so guessing fills no memory; "no lockout record" is kept, as that is what
 * nearly every ping finds. An answer read while the epoch moved is not kept. Each map is
 * capped (`update.cache_entries`); the least recently used entry goes first (`lru-cache`).
 */
import type { LRUCache } from 'lru-cache'
import { lru } from '../core/lru.ts'
import type { Fqdn } from '../core/names.ts'
import type { LockoutRecord, LockoutStore } from '../core/auth/lockout.ts'
import type {
  AddressType,
  HostRecord,
  HostWrite,
  PrefixGroupRecord,
  TokenRecord,
  UpdateContext,
  UpdateStore,
  UserRecord,
} from '../core/ports.ts'
import type { ChangeSet } from '../core/records.ts'
import type { EpochProbe } from './cache-epochs.ts'
import type { SqlUpdateStore } from './update-store.ts'

/** Options of the cached store. */
export interface CachedStoreOptions {
  readonly probe: EpochProbe
  /** Entries per map (tokens, accounts, hosts by name and by id). */
  readonly maxEntries: number
  /** Own commits keep the cache warm (only sound on SQLite, see the module header). */
  readonly keepWarm: boolean
}

/** `UpdateStore` over `SqlUpdateStore`, with the reads of a ping answered from memory. */
export class CachedUpdateStore implements UpdateStore {
  readonly #inner: SqlUpdateStore
  readonly #options: CachedStoreOptions
  #epoch: string | undefined
  readonly #tokens: LRUCache<string, TokenRecord>
  readonly #users: LRUCache<string, UserRecord>
  readonly #hosts: LRUCache<Fqdn, HostRecord>
  readonly #hostsById: LRUCache<number, HostRecord>
  /** The cached hashes of each token id (`touchToken` knows only the id). */
  readonly #tokenHashes = new Map<number, Set<string>>()

  constructor(inner: SqlUpdateStore, options: CachedStoreOptions) {
    this.#inner = inner
    this.#options = options
    this.#tokens = lru(options.maxEntries)
    this.#users = lru(options.maxEntries)
    this.#hosts = lru(options.maxEntries)
    this.#hostsById = lru(options.maxEntries)
  }

  zoneNames(): readonly Fqdn[] {
    return this.#inner.zoneNames()
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const token = await this.#through(this.#tokens, hash, () => this.#inner.findTokenByHash(hash))
    if (token !== undefined && this.#tokens.get(hash) === token) {
      const hashes = this.#tokenHashes.get(token.id) ?? new Set<string>()
      this.#tokenHashes.set(token.id, hashes.add(hash))
    }
    return token
  }

  findUserByName(name: string): Promise<UserRecord | undefined> {
    return this.#through(this.#users, name, () => this.#inner.findUserByName(name))
  }

  findHost(fqdn: Fqdn): Promise<HostRecord | undefined> {
    return this.#through(this.#hosts, fqdn, () => this.#inner.findHost(fqdn))
  }

  findHostById(id: number): Promise<HostRecord | undefined> {
    return this.#through(this.#hostsById, id, () => this.#inner.findHostById(id))
  }

  // Prefix groups are read only by requests that carry a prefix: not cached.
  findPrefixGroup(hostId: number): Promise<PrefixGroupRecord | undefined> {
    return this.#inner.findPrefixGroup(hostId)
  }

  async commitUpdate(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
    refreshed?: ReadonlyMap<number, readonly AddressType[]>,
  ): Promise<ChangeSet[]> {
    const held = this.#epoch
    const { changes, epochs } = await this.#inner.commit(
      changed,
      unchanged,
      context,
      refreshed,
      this.#options.keepWarm && changed.length > 0,
    )
    if (changed.length === 0) return changes
    for (const w of changed) this.#forgetHost(w.host)
    if (epochs !== undefined && epochs.before === held && this.#epoch === held) {
      this.#epoch = epochs.after
    } else {
      this.#startOver()
    }
    return changes
  }

  async touchToken(tokenId: number, at: string): Promise<void> {
    await this.#inner.touchToken(tokenId, at)
    // `last_used_at` raises no epoch: the cached token learns the time here.
    for (const hash of this.#tokenHashes.get(tokenId) ?? []) {
      const t = this.#tokens.get(hash)
      if (t !== undefined) this.#tokens.set(hash, { ...t, lastUsedAt: at })
    }
  }

  async #through<K extends string | number, V extends object>(
    map: LRUCache<K, V>,
    key: K,
    read: () => Promise<V | undefined>,
  ): Promise<V | undefined> {
    const epoch = await this.#valid()
    const hit = map.get(key)
    if (hit !== undefined) return hit
    const value = await read()
    if (value !== undefined && this.#epoch === epoch) map.set(key, value)
    return value
  }

  async #valid(): Promise<string> {
    const { data } = await this.#options.probe.read()
    if (data !== this.#epoch) {
      this.#startOver()
      this.#epoch = data
    }
    return data
  }

  #forgetHost(host: HostRecord): void {
    this.#hosts.delete(host.fqdn)
    this.#hostsById.delete(host.id)
  }

  #startOver(): void {
    this.#epoch = undefined
    this.#tokens.clear()
    this.#tokenHashes.clear()
    this.#users.clear()
    this.#hosts.clear()
    this.#hostsById.clear()
  }
}

/** `LockoutStore` whose reads (mostly "no record") are kept while the lockouts epoch holds. */
export class CachedLockoutStore implements LockoutStore {
  readonly #inner: LockoutStore
  readonly #probe: EpochProbe
  // `lru-cache` holds no null: "no record" is kept as an empty box.
  readonly #found: LRUCache<string, { readonly record: LockoutRecord | undefined }>
  #epoch: string | undefined

  constructor(inner: LockoutStore, probe: EpochProbe, maxEntries: number) {
    this.#inner = inner
    this.#probe = probe
    this.#found = lru(maxEntries)
  }

  async find(subject: string, source: string): Promise<LockoutRecord | undefined> {
    const { lockouts } = await this.#probe.read()
    if (lockouts !== this.#epoch) {
      this.#found.clear()
      this.#epoch = lockouts
    }
    const key = `${subject}\0${source}`
    const found = this.#found.get(key)
    if (found !== undefined) return found.record
    const record = await this.#inner.find(subject, source)
    if (this.#epoch === lockouts) this.#found.set(key, { record })
    return record
  }

  async save(record: LockoutRecord): Promise<void> {
    this.#written()
    await this.#inner.save(record)
    this.#written()
  }

  async remove(id: number): Promise<void> {
    this.#written()
    await this.#inner.remove(id)
    this.#written()
  }

  // A write here raises the epoch (and, being a local write, ends the shared reading).
  #written(): void {
    this.#epoch = undefined
    this.#found.clear()
  }
}
