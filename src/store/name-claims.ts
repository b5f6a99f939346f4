/**
 * The hosts the name-ownership rule (`core/accounts/name-ownership.ts`) must see before a host is
 * created at a name: those at the name, above it in its zone, and below it. One query;
 * below is a `LIKE` suffix match with an explicit escape character, since labels may hold
 * `_` (a `LIKE` wildcard) and SQLite has no default escape.
 */
import { sql, type Kysely } from 'kysely'
import { acmeName } from '../core/update/acme-txt.ts'
import { joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import { labelsAbove, namesAbove, type NameClaim } from '../core/accounts/name-ownership.ts'
import type { Database } from './schema.ts'

/** Hosts of `zone` at `name`, above it or below it, with their owners. */
export async function hostsNear(
  db: Kysely<Database>,
  name: Fqdn,
  zone: Fqdn,
): Promise<NameClaim[]> {
  const label = relativeLabel(name, zone)
  const exact = labelsAbove(name, zone)
  // An apex host owns no more than its ACME name below it.
  if (label === '@') exact.push(relativeLabel(acmeName(zone), zone))
  const below = `%.${label.replace(/[!%_]/g, '!$&')}`
  const rows = await db
    .selectFrom('hosts')
    .innerJoin('zones', 'zones.id', 'hosts.zone_id')
    .innerJoin('users', 'users.id', 'hosts.owner_id')
    .select(['hosts.label', 'users.name as owner'])
    .where('zones.name', '=', zone)
    .where((eb) =>
      label === '@'
        ? eb('hosts.label', 'in', exact)
        : eb.or([
            eb('hosts.label', 'in', exact),
            sql<boolean>`${sql.ref('hosts.label')} like ${below} escape '!'`,
          ]),
    )
    .execute()
  return rows.map((r) => ({ fqdn: joinName(r.label, zone), zone, owner: r.owner }))
}

/** The static records a host at `name` would clash with (see `AccountStore.staticClashes`). */
export async function staticClashes(
  db: Kysely<Database>,
  name: Fqdn,
  zone: Fqdn,
): Promise<{ name: Fqdn; type: string }[]> {
  const cuts = namesAbove(name, zone).filter((n) => n !== zone)
  const rows = await db
    .selectFrom('zone_records')
    .innerJoin('zones', 'zones.id', 'zone_records.zone_id')
    .select(['zone_records.name', 'zone_records.type'])
    .distinct()
    .where('zones.name', '=', zone)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('zone_records.name', '=', name),
          eb('zone_records.type', 'in', ['A', 'AAAA', 'TXT', 'CNAME']),
        ]),
        ...(cuts.length === 0
          ? []
          : [eb.and([eb('zone_records.name', 'in', cuts), eb('zone_records.type', '=', 'NS')])]),
      ]),
    )
    .orderBy('zone_records.name')
    .execute()
  return rows.map((r) => ({ name: r.name as Fqdn, type: r.type }))
}
