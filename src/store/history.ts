/** The one writer of `update_history` rows, inside the caller's transaction. */
import type { Transaction } from 'kysely'
import type { UpdateContext } from '../core/ports.ts'
import { statement } from './compiled.ts'
import type { Database } from './schema.ts'

/** Who and what the expiry jobs record as the actor of their changes. */
export const EXPIRY_CONTEXT = { dialect: 'expiry', clientIp: '-', actor: 'expiry' } as const

/** Records one change of a host: old and new values as short text, and the result. */
export async function writeHistory(
  trx: Transaction<Database>,
  hostId: number,
  context: UpdateContext,
  oldValue: string,
  newValue: string,
  result: 'good' | 'expired' = 'good',
): Promise<void> {
  await insertHistory(trx, {
    host: hostId,
    at: context.at,
    dialect: context.dialect,
    ip: context.clientIp,
    actor: context.actor,
    result,
    old: oldValue,
    new: newValue,
  })
}

const insertHistory = statement(
  ['host', 'at', 'dialect', 'ip', 'actor', 'result', 'old', 'new'],
  (db, m) =>
    db.insertInto('update_history').values({
      host_id: m.host,
      at: m.at,
      dialect: m.dialect,
      client_ip: m.ip,
      actor: m.actor,
      result: m.result,
      old_value: m.old,
      new_value: m.new,
    }),
)
