/**
 * The admin dashboard's reads: accepted updates (`update_history`) and failed updates
 * (`update_failures`) per UTC hour since a time, and the busiest hosts. One query per chart,
 * grouping on the first 13 characters of the ISO timestamp (`2026-12-07T23`), which
 * `substr` gives alike on SQLite, PostgreSQL and MariaDB.
 */
import { sql, type Kysely } from 'kysely'
import type { HostActivity, HourCount } from '../core/accounts/account-store.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'

const hourOf = sql<string>`substr(at, 1, 13)`

/** Rows of `table` per UTC hour (`YYYY-MM-DDTHH`) at or after `since`, oldest first; empty
 * hours are left out. */
export async function perHour(
  db: Kysely<Database>,
  table: 'update_history' | 'update_failures',
  since: string,
): Promise<HourCount[]> {
  const rows = await db
    .selectFrom(table)
    .select((eb) => [hourOf.as('hour'), eb.fn.countAll<number | string>().as('n')])
    .where('at', '>=', since)
    .groupBy(hourOf)
    .orderBy(hourOf)
    .execute()
  return rows.map((r) => ({ hour: r.hour, count: Number(r.n) }))
}

/** The hosts with the most accepted updates at or after `since`, most first. */
export async function busiestHosts(
  db: Kysely<Database>,
  since: string,
  limit: number,
): Promise<HostActivity[]> {
  const rows = await db
    .selectFrom('update_history')
    .innerJoin('hosts', 'hosts.id', 'update_history.host_id')
    .innerJoin('zones', 'zones.id', 'hosts.zone_id')
    .select((eb) => [
      'hosts.id as id',
      'hosts.label as label',
      'zones.name as zone',
      eb.fn.countAll<number | string>().as('n'),
    ])
    .where('update_history.at', '>=', since)
    .groupBy(['hosts.id', 'hosts.label', 'zones.name'])
    .orderBy('n', 'desc')
    .orderBy('hosts.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    hostId: r.id,
    fqdn: joinName(r.label, r.zone as Fqdn),
    updates: Number(r.n),
  }))
}
