/**
 * Zone administration, the one way the CLI and the REST API ask the running server for a
 * resync (or a claim of a zone another cluster publishes), read the zones' state, and forget
 * a zone the config no longer names. Requests are stamped in the database: the server's zone
 * sync carries them out within a second and reports back (`publisher/README.md`).
 */
import { parseName, type Fqdn } from '../names.ts'
import { err, ok, type Result } from '../result.ts'

/** A zone's state: serial, host count, last resync request and report, lease, conflict. */
export interface ZoneState {
  readonly name: Fqdn
  readonly backend: string
  readonly serial: number
  readonly hosts: number
  readonly requestedAt: string | null
  readonly handledAt: string | null
  readonly report: string | null
  /** The instance holding the zone's publisher lease (shared backends), if any. */
  readonly leaseHolder: string | null
  readonly leaseExpiresAt: string | null
  /** The other cluster whose ownership marker keeps this one out of the zone. */
  readonly ownerConflict: string | null
}

/** Why a zone request was refused. */
export type ZoneError =
  | { readonly code: 'invalid'; readonly message: string }
  | { readonly code: 'not-served'; readonly zone: Fqdn }
  | { readonly code: 'served'; readonly zone: Fqdn }
  | { readonly code: 'not-found'; readonly zone: Fqdn }
  | { readonly code: 'has-hosts'; readonly zone: Fqdn; readonly hosts: number }

/** The store port of zone administration. */
export interface ZoneAdminStore {
  zoneStates(): Promise<ZoneState[]>
  /** Stamps a resync request on `zones`; returns the stamp. */
  requestResync(zones: readonly Fqdn[], at: Date): Promise<string>
  /** Stamps a claim (and the resync that carries it out) on `zones`; returns the stamp. */
  requestClaim(zones: readonly Fqdn[], at: Date): Promise<string>
  /** Removes a zone (with its hosts when `withHosts`) in one transaction. */
  forgetZone(zone: Fqdn, withHosts: boolean): Promise<Result<{ readonly hosts: number }, ZoneError>>
}

/** Resync requests, claims, zone states and forgetting zones. */
export class ZoneAdmin {
  readonly #store: ZoneAdminStore
  readonly #served: readonly Fqdn[]
  readonly #now: () => Date

  /** `served`: the zones the config names (only they are resynced or claimed). */
  constructor(options: { store: ZoneAdminStore; served: readonly Fqdn[]; now: () => Date }) {
    this.#store = options.store
    this.#served = options.served
    this.#now = options.now
  }

  /** Every zone in the database, served or not, by name. */
  states(): Promise<ZoneState[]> {
    return this.#store.zoneStates()
  }

  /** Asks for a resync of one served zone, or of every one; returns the zones and stamp. */
  async requestResync(
    name?: string,
  ): Promise<Result<{ zones: Fqdn[]; requestedAt: string }, ZoneError>> {
    const zones = name === undefined ? ok([...this.#served]) : this.#servedZone(name)
    if (!zones.ok) return zones
    const requestedAt = await this.#store.requestResync(zones.value, this.#now())
    return ok({ zones: zones.value, requestedAt })
  }

  /** Files a claim of a served zone another cluster publishes; returns the zone and stamp. */
  async requestClaim(
    name: string,
  ): Promise<Result<{ zones: Fqdn[]; requestedAt: string }, ZoneError>> {
    const zones = this.#servedZone(name)
    if (!zones.ok) return zones
    const requestedAt = await this.#store.requestClaim(zones.value, this.#now())
    return ok({ zones: zones.value, requestedAt })
  }

  /** Forgets a zone the config no longer names (with its hosts only when `withHosts`). */
  async forget(
    name: string,
    withHosts: boolean,
  ): Promise<Result<{ zone: Fqdn; hosts: number }, ZoneError>> {
    const parsed = parseName(name)
    if (!parsed.ok) return err({ code: 'invalid', message: `${name}: ${parsed.error.message}` })
    if (this.#served.includes(parsed.value)) return err({ code: 'served', zone: parsed.value })
    const r = await this.#store.forgetZone(parsed.value, withHosts)
    return r.ok ? ok({ zone: parsed.value, hosts: r.value.hosts }) : r
  }

  #servedZone(name: string): Result<Fqdn[], ZoneError> {
    const parsed = parseName(name)
    if (!parsed.ok) return err({ code: 'invalid', message: `${name}: ${parsed.error.message}` })
    if (!this.#served.includes(parsed.value)) return err({ code: 'not-served', zone: parsed.value })
    return ok([parsed.value])
  }
}
