/** Core's `ZoneAdminStore` port in SQL: zone states, resync and claim requests, forgetting. */
import type { Kysely } from 'kysely'
import type { ZoneAdminStore, ZoneError, ZoneState } from '../core/accounts/zone-admin.ts'
import type { Fqdn } from '../core/names.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { Database } from './schema.ts'
import { forgetZone } from './zone-forget.ts'
import { requestClaim } from './zone-ownership.ts'
import { requestResync, zoneStates } from './zone-resync.ts'

/** Zone administration over the zones table. */
export class SqlZoneAdminStore implements ZoneAdminStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  zoneStates(): Promise<ZoneState[]> {
    return zoneStates(this.#db)
  }

  requestResync(zones: readonly Fqdn[], at: Date): Promise<string> {
    return requestResync(this.#db, zones, at)
  }

  requestClaim(zones: readonly Fqdn[], at: Date): Promise<string> {
    return requestClaim(this.#db, zones, at)
  }

  async forgetZone(zone: Fqdn, withHosts: boolean): Promise<Result<{ hosts: number }, ZoneError>> {
    const r = await forgetZone(this.#db, zone, withHosts)
    if (r.ok) return ok(r.value)
    return err(
      r.error.code === 'has-hosts'
        ? { code: 'has-hosts', zone, hosts: r.error.hosts }
        : { code: 'not-found', zone },
    )
  }
}
