/** Web sessions in the `web_sessions` table (the port: src/core/auth/web-session-store.ts). */
import type { Kysely } from 'kysely'
import type {
  ListedWebSession,
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
        client_ip: s.clientIp ?? null,
        user_agent: s.userAgent?.slice(0, 200) ?? null,
        verified_at: s.verifiedAt ?? null,
        pending: s.pending === true ? 1 : 0,
      })
      .execute()
  }

  async find(key: string): Promise<StoredWebSession | undefined> {
    const rows = await this.#select().where('web_sessions.hash', '=', key).execute()
    const row = rows[0]
    return row === undefined ? undefined : toSession(row)
  }

  async touch(key: string, lastSeenAt: string): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('hash', '=', key)
      .execute()
  }

  async verified(key: string, at: string): Promise<void> {
    await this.#db
      .updateTable('web_sessions')
      .set({ verified_at: at, pending: 0 })
      .where('hash', '=', key)
      .execute()
  }

  async remove(key: string): Promise<void> {
    await this.#db.deleteFrom('web_sessions').where('hash', '=', key).execute()
  }

  async removeAllOf(userId: number): Promise<void> {
    await this.#db.deleteFrom('web_sessions').where('user_id', '=', userId).execute()
  }

  async listOf(userId: number): Promise<ListedWebSession[]> {
    const rows = await this.#select()
      .where('web_sessions.user_id', '=', userId)
      .orderBy('web_sessions.created_at', 'desc')
      .orderBy('web_sessions.id', 'desc')
      .execute()
    return rows.map((r) => ({ ...toSession(r), key: r.hash }))
  }

  async removeOne(userId: number, id: number): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('web_sessions')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  async removeOthersOf(userId: number, keep: string): Promise<void> {
    await this.#db
      .deleteFrom('web_sessions')
      .where('user_id', '=', userId)
      .where('hash', '<>', keep)
      .execute()
  }

  #select() {
    return this.#db
      .selectFrom('web_sessions')
      .innerJoin('users', 'users.id', 'web_sessions.user_id')
      .select([
        'web_sessions.id',
        'web_sessions.hash',
        'web_sessions.created_at',
        'web_sessions.last_seen_at',
        'web_sessions.expires_at',
        'web_sessions.client_ip',
        'web_sessions.user_agent',
        'web_sessions.verified_at',
        'web_sessions.pending',
      ])
      .select(['users.id as userId', 'users.name as userName', 'users.is_admin as isAdmin'])
  }
}

interface Row {
  id: number
  created_at: string
  last_seen_at: string
  expires_at: string
  client_ip: string | null
  user_agent: string | null
  verified_at: string | null
  pending: number
  userId: number
  userName: string
  isAdmin: number
}

function toSession(row: Row): StoredWebSession {
  return {
    id: row.id,
    userId: row.userId,
    userName: row.userName,
    isAdmin: row.isAdmin === 1,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
    verifiedAt: row.verified_at,
    pending: row.pending === 1,
  }
}
