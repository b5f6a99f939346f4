/**
 * Zone serials inside a write transaction: every writer that changes a zone's records bumps
 * its serial once per transaction and publishes one change set per zone.
 */
import type { Transaction } from 'kysely'
import { isSerialScheme, nextSerial } from '../dns/serial.ts'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordKey, RecordSet } from '../core/records.ts'
import type { Database } from './schema.ts'
import { forUpdate } from './sql-dialect.ts'
import { statement } from './compiled.ts'

/** The RRsets one transaction replaces and removes, per zone. */
export type ZoneEdits = ReadonlyMap<
  Fqdn,
  { readonly replace: RecordSet[]; readonly remove: RecordKey[] }
>

/** Raises a zone's serial inside a transaction and returns the new value. */
export async function bumpSerial(
  trx: Transaction<Database>,
  zone: Fqdn,
  at: string,
): Promise<number> {
  return (await bump(trx, zone, at)).serial
}

/** Raises a zone's serial; returns the serial before (`base`) and after. */
async function bump(
  trx: Transaction<Database>,
  zone: Fqdn,
  at: string,
): Promise<{ base: number; serial: number }> {
  // Locked: concurrent writers on PostgreSQL/MariaDB must not both read the same serial.
  const row = (await readSerial(trx, { zone })).rows[0]
  if (row === undefined) throw new Error(`zone ${zone} is not in the database`)
  const scheme = isSerialScheme(row.serial_scheme) ? row.serial_scheme : 'unixtime'
  const serial = nextSerial(Number(row.serial), Math.floor(Date.parse(at) / 1000), scheme)
  await writeSerial(trx, { serial, zone })
  return { base: Number(row.serial), serial }
}

// Compiled once (compiled.ts): every changed address runs both.
const readSerial = statement(['zone'], (db, m) =>
  forUpdate(
    db,
    db.selectFrom('zones').select(['serial', 'serial_scheme']).where('name', '=', m.zone),
  ),
)
const writeSerial = statement(['serial', 'zone'], (db, m) =>
  db.updateTable('zones').set({ serial: m.serial }).where('name', '=', m.zone),
)

/** Bumps each edited zone's serial once and returns the change sets to publish. */
export async function changeSets(
  trx: Transaction<Database>,
  edits: ZoneEdits,
  at: string,
): Promise<ChangeSet[]> {
  const changes: ChangeSet[] = []
  for (const [zone, entry] of edits) {
    changes.push({ zone, ...(await bump(trx, zone, at)), ...entry })
  }
  return changes
}
