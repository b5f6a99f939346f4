/** Web sessions in the `web_sessions` table (the port: src/core/auth/web-session-store.ts). */
import type { Kysely } from 'kysely'
import type {
  NewWebSession,
  StoredWebSession,
  WebSessionStore,
} from '../core/auth/web-session-store.ts'
import type { Database } from './schema.ts'

/** The `web_sessions` table, each row joined with its user on read. */
export class SqlWebSessionStore implements WebSessionStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(s: NewWebSession): Promise<void> {
    await this.#db
      .insertInto('web_sessions')
      .values({
        hash: s.key,
        user_id: s.userId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
      })
      .execute()
  }

  async find(key: string): Promise<StoredWebSession | undefined> {
    const row = await this.#db
      .selectFrom('web_sessions')
      .innerJoin('users', 'users.id', 'web_sessions.user_id')
      .select(['web_sessions.last_seen_at', 'web_sessions.expires_at'])
      .select(['users.id as userId', 'users.name as userName', 'users.is_admin as isAdmin'])
      .where('web_sessions.hash', '=', key)
      .executeTakeFirst()
    if (row === undefined) return undefined
    return {
      userId: row.userId,
      userName: row.userName,
      isAdmin: row.isAdmin === 1,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    }
  }

  async touch(key: string, lastSeenAt: string): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('hash', '=', key)
      .execute()
  }

  async remove(key: string): Promise<void> {
    await this.#db.deleteFrom('web_sessions').where('hash', '=', key).execute()
  }

  async removeAllOf(userId: number): Promise<void> {
    await this.#db.deleteFrom('web_sessions').where('user_id', '=', userId).execute()
  }
}
