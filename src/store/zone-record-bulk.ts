/**
 * The bulk write of a whole zone's static records (`dynzone zone import`): one transaction
 * with the zone locked, refused when the zone's serial is not the one the import was checked
 * at; old RRsets deleted and new rows inserted in bounded batches (a million records are
 * never one statement), then one serial bump and one audit row that counts, not lists.
 */
import type { Insertable, Kysely, Transaction } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordKey } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { BulkWriteOptions, StaticWrite } from '../core/zone-records/zone-record-types.ts'
import { writeAudit } from './audit-store.ts'
import type { Database } from './schema.ts'
import { lockZones } from './zone-locks.ts'
import { bumpSerial } from './zone-serials.ts'

// Rows per INSERT (8 columns: far below every dialect's parameter limit) and RRsets per DELETE.
const INSERT_ROWS = 500
const DELETE_SETS = 200

/** See `ZoneRecordBulkStore.bulkWrite`. */
export function bulkWriteStatic(
  db: Kysely<Database>,
  zone: Fqdn,
  write: StaticWrite,
  o: BulkWriteOptions,
): Promise<Result<ChangeSet, 'conflict'>> {
  return db.transaction().execute(async (trx) => {
    await lockZones(trx, [zone])
    const z = await trx
      .selectFrom('zones')
      .select(['id', 'serial'])
      .where('name', '=', zone)
      .executeTakeFirstOrThrow()
    if (Number(z.serial) !== o.serial) return err('conflict' as const)
    const total = write.replace.reduce((n, s) => n + s.values.length, 0)
    await deleteSets(trx, z.id, [...write.remove, ...write.replace])
    let done = 0
    let batch: Insertable<Database['zone_records']>[] = []
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      await trx.insertInto('zone_records').values(batch).execute()
      done += batch.length
      batch = []
      o.progress?.(done, total)
    }
    for (const set of write.replace) {
      for (const value of set.values) {
        batch.push({
          zone_id: z.id,
          name: set.name,
          type: set.type,
          ttl: set.ttl,
          value,
          owner_host_id: set.ownerHostId,
          created_at: o.context.at,
          updated_at: o.context.at,
        })
        if (batch.length >= INSERT_ROWS) await flush()
      }
    }
    await flush()
    const serial = await bumpSerial(trx, zone, o.context.at)
    await writeAudit(trx, new Date(o.context.at), {
      action: `${o.context.door} zone import`,
      result: 'ok',
      status: 0,
      actor: o.context.actor,
      source: o.context.clientIp,
      target: `${zone}: ${String(write.replace.length)} RRsets written, ${String(write.remove.length)} removed`,
    })
    return ok({
      zone,
      serial,
      base: Number(z.serial),
      replace: write.replace.map(({ name, type, ttl, values }) => ({ name, type, ttl, values })),
      remove: write.remove,
    })
  })
}

async function deleteSets(
  trx: Transaction<Database>,
  zoneId: number,
  keys: readonly RecordKey[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_SETS) {
    const chunk = keys.slice(i, i + DELETE_SETS)
    await trx
      .deleteFrom('zone_records')
      .where('zone_id', '=', zoneId)
      .where((eb) =>
        eb.or(chunk.map((k) => eb.and([eb('name', '=', k.name), eb('type', '=', k.type)]))),
      )
      .execute()
  }
}
