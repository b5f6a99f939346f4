/** Second factors in `totp_secrets` and `recovery_codes` (the port: src/core/auth/second-factor-store.ts). */
import type { Kysely } from 'kysely'
import type { SecondFactorStore, StoredTotp } from '../core/auth/second-factor-store.ts'
import type { Database } from './schema.ts'

/** The SQL second-factor store. */
export class SqlSecondFactorStore implements SecondFactorStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async totp(userId: number): Promise<StoredTotp | undefined> {
    const row = await this.#db
      .selectFrom('totp_secrets')
      .select(['sealed', 'last_step'])
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row === undefined ? undefined : { sealed: row.sealed, lastStep: row.last_step }
  }

  async enrol(
    userId: number,
    sealed: string,
    hashes: readonly string[],
    at: string,
  ): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('totp_secrets').where('user_id', '=', userId).execute()
      await tx
        .insertInto('totp_secrets')
        .values({ user_id: userId, sealed, last_step: 0, created_at: at })
        .execute()
      await replaceCodes(tx, userId, hashes, at)
    })
  }

  async advanceStep(userId: number, step: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('totp_secrets')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('last_step', '<', step)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async useRecoveryCode(userId: number, hash: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('recovery_codes')
      .where('user_id', '=', userId)
      .where('hash', '=', hash)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  async replaceRecoveryCodes(userId: number, hashes: readonly string[], at: string): Promise<void> {
    await this.#db.transaction().execute((tx) => replaceCodes(tx, userId, hashes, at))
  }

  async removeAll(userId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
      const r = await tx.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    })
  }
}

async function replaceCodes(
  tx: Kysely<Database>,
  userId: number,
  hashes: readonly string[],
  at: string,
): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
  if (hashes.length === 0) return
  await tx
    .insertInto('recovery_codes')
    .values(hashes.map((hash) => ({ user_id: userId, hash, created_at: at })))
    .execute()
}
