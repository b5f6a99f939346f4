/**
 * The database side of zone ownership (src/publisher/ownership.ts): this database's cluster
 * id, a zone's conflict with another cluster (shown by `zone list` and `/readyz`), and
 * `dynzone zone claim`'s request to take a zone over anyway.
 */
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'

/** The cluster id made with the database (migration 0018). */
export async function clusterId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('cluster_identity').select('id').executeTakeFirstOrThrow()
  return row.id
}

/** Files a claim of `zones` and a resync that carries it out; returns the request stamp. */
export async function requestClaim(
  db: Kysely<Database>,
  zones: readonly Fqdn[],
  at: Date,
): Promise<string> {
  const stamp = at.toISOString()
  await db
    .updateTable('zones')
    .set({ claim_requested_at: stamp, resync_requested_at: stamp })
    .where('name', 'in', zones)
    .execute()
  return stamp
}

/** True when `dynzone zone claim` asked to take the zone over. */
export async function claimRequested(db: Kysely<Database>, zone: Fqdn): Promise<boolean> {
  const row = await db
    .selectFrom('zones')
    .select('claim_requested_at')
    .where('name', '=', zone)
    .executeTakeFirst()
  return row?.claim_requested_at != null
}

/** Records which other cluster's marker keeps this one out of the zone. */
export async function recordConflict(
  db: Kysely<Database>,
  zone: Fqdn,
  owner: string,
): Promise<void> {
  await db.updateTable('zones').set({ owner_conflict: owner }).where('name', '=', zone).execute()
}

/** The zone carries this cluster's marker: no conflict, no claim pending. */
export async function clearConflict(db: Kysely<Database>, zone: Fqdn): Promise<void> {
  await db
    .updateTable('zones')
    .set({ owner_conflict: null, claim_requested_at: null })
    .where('name', '=', zone)
    .where((eb) =>
      eb.or([eb('owner_conflict', 'is not', null), eb('claim_requested_at', 'is not', null)]),
    )
    .execute()
}

/** Zones another cluster's marker keeps this one out of, with that cluster's id. */
export async function ownerConflicts(db: Kysely<Database>): Promise<Map<Fqdn, string>> {
  const rows = await db
    .selectFrom('zones')
    .select(['name', 'owner_conflict'])
    .where('owner_conflict', 'is not', null)
    .execute()
  return new Map(rows.map((r) => [r.name as Fqdn, r.owner_conflict ?? '']))
}
