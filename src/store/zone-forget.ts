/**
 * Forgetting a zone the config no longer names: its row, and with `withHosts` its hosts (their
 * records, tokens limited to them, history and group memberships go with them by cascade),
 * and its publisher lease, in one transaction. Whether the zone is still served is the
 * caller's check: only the config knows.
 */
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { Database } from './schema.ts'

/** Why a zone was not forgotten. */
export type ForgetZoneError =
  { readonly code: 'not-found' } | { readonly code: 'has-hosts'; readonly hosts: number }

/** Removes zone `name`; refuses one that still has hosts unless `withHosts`. */
export async function forgetZone(
  db: Kysely<Database>,
  name: Fqdn,
  withHosts: boolean,
): Promise<Result<{ readonly hosts: number }, ForgetZoneError>> {
  return db.transaction().execute(async (trx) => {
    const zone = await trx
      .selectFrom('zones')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst()
    if (zone === undefined) return err({ code: 'not-found' as const })
    const count = await trx
      .selectFrom('hosts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('zone_id', '=', zone.id)
      .executeTakeFirstOrThrow()
    const hosts = Number(count.n)
    if (hosts > 0 && !withHosts) return err({ code: 'has-hosts' as const, hosts })
    await trx.deleteFrom('hosts').where('zone_id', '=', zone.id).execute()
    await trx.deleteFrom('zones').where('id', '=', zone.id).execute()
    await trx.deleteFrom('publisher_leases').where('zone', '=', name).execute()
    return ok({ hosts })
  })
}
