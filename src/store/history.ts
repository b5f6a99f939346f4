/** The one writer of `update_history` rows, inside the caller's transaction. */
import type { Transaction } from 'kysely'
import type { UpdateContext } from '../core/ports.ts'
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
  await trx
    .insertInto('update_history')
    .values({
      host_id: hostId,
      at: context.at,
      dialect: context.dialect,
      client_ip: context.clientIp,
      actor: context.actor,
      result,
      old_value: oldValue,
      new_value: newValue,
    })
    .execute()
}
