/**
 * Zone ownership across clusters. Every instance on one database belongs to one cluster (a
 * random id made with the database); a zone on a shared backend carries a TXT marker at
 * `_dynzone-owner.<zone>` naming the cluster that publishes it. Before a cluster writes into
 * a zone (its start-up load, a resync, a push), the holder of the zone's lease reads the
 * marker back:
 *
 * - this cluster's id: go on;
 * - no marker: the zone has no dynzone owner yet (first publish, or a cluster from before
 *   markers): write this cluster's marker with the next repair and go on;
 * - another cluster's id: publish nothing to the zone, which is reported failing (log,
 *   `/readyz`, `zone list`) until `dynzone zone claim` asks to take it over. So a second
 *   cluster started on an empty database cannot repair away the first one's records.
 *
 * Every push checks the marker too (`push`): in the same UPDATE where the backend can make it
 * a prerequisite (RFC 2136: `applyIfMarked`), so a zone claimed since is refused by the server
 * with nothing changed; otherwise by a read of the marker before the write, trusted for
 * `checkMs` (the window in which a push may still land after another cluster's claim).
 *
 * The built-in backend is every instance's own and is never checked; a backend that cannot
 * read back (nsupdate) cannot be checked either.
 */
import type { BackendError, DnsBackend } from '../backends/backend.ts'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordSet } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'

/** The label of the marker, under the zone's apex. */
export const OWNER_LABEL = '_dynzone-owner'
const PREFIX = 'dynzone-cluster='

/** The owner name of a zone's marker. */
export function ownerName(zone: Fqdn): Fqdn {
  return `${OWNER_LABEL}.${zone}` as Fqdn
}

/** The marker RRset naming `cluster`. */
export function markerSet(zone: Fqdn, cluster: string, ttl: number): RecordSet {
  return { name: ownerName(zone), type: 'TXT', ttl, values: [`${PREFIX}${cluster}`] }
}

/** The cluster named by the marker among `held`, if there is one. */
export function markedOwner(zone: Fqdn, held: readonly RecordSet[]): string | undefined {
  const name = ownerName(zone).toLowerCase()
  const set = held.find((s) => s.type === 'TXT' && s.name.toLowerCase() === name)
  for (const value of set?.values ?? []) {
    const text = value.replace(/^"(.*)"$/, '$1')
    if (text.startsWith(PREFIX)) return text.slice(PREFIX.length)
  }
  return undefined
}

/** The database side: claims asked for and conflicts to show (src/store/zone-ownership.ts). */
export interface OwnershipStore {
  claimRequested(zone: Fqdn): Promise<boolean>
  recordConflict(zone: Fqdn, owner: string): Promise<void>
  clearConflict(zone: Fqdn): Promise<void>
}

/** What the guard logs. */
export interface OwnershipLogger {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Options of the ownership guard. */
export interface ZoneOwnershipOptions {
  readonly cluster: string
  readonly store: OwnershipStore
  readonly logger: OwnershipLogger
  /** The marker's TTL for a zone (its configured `ttl`); default 60. */
  readonly ttl?: (zone: Fqdn) => number
  /** How long a marker read before a push is trusted (backends without a prerequisite). */
  readonly checkMs?: number
  /** A monotonic clock in ms; default `performance.now`. */
  readonly monotonic?: () => number
}

/** How long a marker read before a push is trusted, by default (docs/deployment.md). */
export const MARKER_CHECK_MS = 5000

/** Judges a zone's marker before this cluster writes into it; remembers the zones it refused. */
export class ZoneOwnership {
  readonly #options: ZoneOwnershipOptions
  readonly #refused = new Map<Fqdn, string>()
  /** When the marker was last found ours, per zone (monotonic ms). */
  readonly #checked = new Map<Fqdn, number>()

  constructor(options: ZoneOwnershipOptions) {
    this.#options = options
  }

  /** This database's cluster id. */
  get cluster(): string {
    return this.#options.cluster
  }

  /** True while another cluster's marker keeps this instance from pushing the zone. */
  refused(zone: Fqdn): boolean {
    return this.#refused.has(zone)
  }

  /**
   * Reads the marker among `held`: the marker RRset to write along (none when it is already
   * this cluster's), or the error that names the cluster owning the zone.
   */
  async judge(
    zone: Fqdn,
    ttl: number,
    held: readonly RecordSet[],
  ): Promise<Result<RecordSet | undefined, string>> {
    const { cluster, store, logger } = this.#options
    const owner = markedOwner(zone, held)
    if (owner === cluster) return ok(undefined)
    if (owner !== undefined && !(await store.claimRequested(zone))) {
      if (this.#refused.get(zone) !== owner)
        logger.error(
          { zone, owner, cluster },
          'zone is published by another dynzone cluster; publishing nothing to it until `dynzone zone claim`',
        )
      this.#refused.set(zone, owner)
      await store.recordConflict(zone, owner)
      return err(
        `zone ${zone} is published by another dynzone cluster (${owner}, marker ${ownerName(zone)}); nothing was changed (move it with dynzone db copy, or take it over with dynzone zone claim ${zone})`,
      )
    }
    return ok(markerSet(zone, cluster, ttl))
  }

  /** The zone now carries this cluster's marker (`previous`: the owner it had, if any). */
  async settled(
    zone: Fqdn,
    wrote: RecordSet | undefined,
    held: readonly RecordSet[],
  ): Promise<void> {
    if (wrote !== undefined) {
      const previous = markedOwner(zone, held)
      this.#options.logger.info(
        { zone, cluster: this.#options.cluster, ...(previous === undefined ? {} : { previous }) },
        previous === undefined
          ? 'zone ownership marker written'
          : 'zone claimed from another cluster',
      )
    }
    this.#refused.delete(zone)
    this.#checked.set(zone, this.#now())
    await this.#options.store.clearConflict(zone)
  }

  /**
   * Pushes `change` only while the zone's marker names this cluster: as a prerequisite of the
   * write itself where the backend offers one, else after a read of the marker (one at most
   * `checkMs` old is trusted). Refused for another cluster's marker: nothing is written, the
   * conflict is recorded as at load, and the error's code is `not-owner` (not to be retried).
   */
  async push(
    backend: DnsBackend,
    change: ChangeSet,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    const zone = change.zone
    const read = backend.read?.bind(backend)
    if (backend.kind === 'builtin' || read === undefined) return backend.apply(change, signal)
    const refused = this.#refused.get(zone)
    if (refused !== undefined) return err(notOwner(zone, refused))
    const ours = markerSet(zone, this.#options.cluster, this.#options.ttl?.(zone) ?? 60)
    if (backend.applyIfMarked !== undefined) {
      const r = await backend.applyIfMarked(change, ours, signal)
      if (r.ok || r.error.code !== 'not-owner') return r
    } else if (this.#now() - (this.#checked.get(zone) ?? -Infinity) < this.#checkMs()) {
      return backend.apply(change, signal)
    }
    // No prerequisite, or it failed: read the marker and judge it as a load would.
    const held = await read(zone, signal)
    if (!held.ok) return held
    const judged = await this.judge(zone, ours.ttl, held.value)
    if (!judged.ok) return err({ code: 'not-owner', retryable: false, message: judged.error })
    const next = judged.value === undefined ? change : withMarker(change, judged.value)
    const r = await backend.apply(next, signal)
    if (r.ok) await this.settled(zone, judged.value, held.value)
    return r
  }

  #checkMs(): number {
    return this.#options.checkMs ?? MARKER_CHECK_MS
  }

  #now(): number {
    return (this.#options.monotonic ?? (() => performance.now()))()
  }
}

function withMarker(change: ChangeSet, marker: RecordSet): ChangeSet {
  return { ...change, replace: [...change.replace, marker] }
}

function notOwner(zone: Fqdn, owner: string): BackendError {
  return {
    code: 'not-owner',
    retryable: false,
    message: `zone ${zone} is published by another dynzone cluster (${owner}); nothing was changed`,
  }
}
