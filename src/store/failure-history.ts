/**
 * Writes failed updates into `update_failures` (the code the client got and the reason), for
 * hosts that exist, at most once per `FAILURE_REPEAT_SECONDS` per host, result and source.
 * Kept apart from `update_history`, which records changes only. Best effort: a failure to
 * record is not the client's problem.
 */
import type { Kysely } from 'kysely'
import { findZone, parseName, relativeLabel, type Fqdn } from '../core/names.ts'
import {
  FAILURE_REPEAT_SECONDS,
  type UpdateFailure,
  type UpdateFailureLog,
} from '../core/update/update-failures.ts'
import type { Database } from './schema.ts'

/** The SQL failure log. */
export class SqlFailureHistory implements UpdateFailureLog {
  readonly #db: Kysely<Database>
  readonly #onError: (e: unknown) => void

  constructor(db: Kysely<Database>, onError: (e: unknown) => void) {
    this.#db = db
    this.#onError = onError
  }

  async record(failures: readonly UpdateFailure[], at: string): Promise<void> {
    try {
      for (const f of failures.slice(0, 20)) await this.#recordOne(f, at)
    } catch (e) {
      this.#onError(e)
    }
  }

  async #recordOne(f: UpdateFailure, at: string): Promise<void> {
    const hostId = await this.#hostId(f.hostname)
    if (hostId === undefined) return
    const since = new Date(Date.parse(at) - FAILURE_REPEAT_SECONDS * 1000).toISOString()
    const recent = await this.#db
      .selectFrom('update_failures')
      .select('id')
      .where('host_id', '=', hostId)
      .where('result', '=', f.result)
      .where('client_ip', '=', f.clientIp)
      .where('at', '>', since)
      .executeTakeFirst()
    if (recent !== undefined) return
    await this.#db
      .insertInto('update_failures')
      .values({
        host_id: hostId,
        at,
        dialect: f.dialect,
        client_ip: f.clientIp,
        actor: f.actor,
        result: f.result,
        message: f.message,
      })
      .execute()
  }

  async #hostId(hostname: string): Promise<number | undefined> {
    const name = parseName(hostname)
    if (!name.ok) return undefined
    const zones = await this.#db.selectFrom('zones').select(['id', 'name']).execute()
    const zone = findZone(
      name.value,
      zones.map((z) => z.name as Fqdn),
    )
    const zoneId = zones.find((z) => z.name === zone)?.id
    if (zone === undefined || zoneId === undefined) return undefined
    const row = await this.#db
      .selectFrom('hosts')
      .select('id')
      .where('zone_id', '=', zoneId)
      .where('label', '=', relativeLabel(name.value, zone))
      .executeTakeFirst()
    return row?.id
  }
}
