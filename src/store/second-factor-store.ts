/** Second factors in `totp_secrets`, `recovery_codes` and `webauthn_credentials` (the port: src/core/auth/second-factor-store.ts). */
import type { Kysely } from 'kysely'
import type {
  SecondFactorStore,
  StoredPasskey,
  StoredTotp,
} from '../core/auth/second-factor-store.ts'
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

  async removeTotp(userId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
      const r = await tx.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    })
  }

  async removeAll(userId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
      const t = await tx.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst()
      const p = await tx
        .deleteFrom('webauthn_credentials')
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return Number(t.numDeletedRows) + Number(p.numDeletedRows) > 0
    })
  }

  async passkeys(userId: number): Promise<StoredPasskey[]> {
    const rows = await this.#db
      .selectFrom('webauthn_credentials')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      credentialId: r.credential_id,
      publicKey: r.public_key,
      counter: Number(r.counter),
      transports: r.transports === '' ? [] : r.transports.split(','),
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }))
  }

  async addPasskey(userId: number, p: Omit<StoredPasskey, 'id' | 'lastUsedAt'>): Promise<void> {
    await this.#db
      .insertInto('webauthn_credentials')
      .values({
        user_id: userId,
        credential_id: p.credentialId,
        public_key: p.publicKey,
        counter: p.counter,
        transports: p.transports.join(','),
        name: p.name,
        created_at: p.createdAt,
        last_used_at: null,
      })
      .execute()
  }

  async removePasskey(userId: number, id: number): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('webauthn_credentials')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  async usePasskey(
    userId: number,
    id: number,
    from: number,
    to: number,
    at: string,
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('webauthn_credentials')
      .set({ counter: to, last_used_at: at })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('counter', '=', from)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
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
