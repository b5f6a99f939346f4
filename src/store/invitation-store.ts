/** Invitations in `invitations` (the port: src/core/accounts/invitation-store.ts). */
import type { Kysely, Selectable } from 'kysely'
import type { InvitationStore, StoredInvitation } from '../core/accounts/invitation-store.ts'
import type { Database, InvitationsTable } from './schema.ts'

/** The SQL invitation store. */
export class SqlInvitationStore implements InvitationStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(
    row: Omit<StoredInvitation, 'id' | 'usedAt' | 'revokedAt'> & { hash: string },
  ): Promise<number> {
    await this.#db
      .insertInto('invitations')
      .values({
        hash: row.hash,
        email: row.email,
        is_admin: row.isAdmin ? 1 : 0,
        invited_by: row.invitedBy,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute()
    // Read back by the unique hash: portable across the three databases.
    const id = await this.#db
      .selectFrom('invitations')
      .select('id')
      .where('hash', '=', row.hash)
      .executeTakeFirstOrThrow()
    return id.id
  }

  async byHash(hash: string): Promise<StoredInvitation | undefined> {
    const row = await this.#db
      .selectFrom('invitations')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst()
    return row === undefined ? undefined : view(row)
  }

  async pending(now: string): Promise<StoredInvitation[]> {
    const rows = await this.#db
      .selectFrom('invitations')
      .selectAll()
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('id')
      .execute()
    return rows.map(view)
  }

  async revoke(id: number, at: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('invitations')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async claim(hash: string, at: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('invitations')
      .set({ used_at: at })
      .where('hash', '=', hash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async release(hash: string): Promise<void> {
    await this.#db
      .updateTable('invitations')
      .set({ used_at: null })
      .where('hash', '=', hash)
      .execute()
  }
}

function view(row: Selectable<InvitationsTable>): StoredInvitation {
  return {
    id: row.id,
    email: row.email,
    isAdmin: row.is_admin === 1,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
  }
}
