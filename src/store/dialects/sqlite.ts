/** Opens the SQLite database (better-sqlite3) with WAL, foreign keys and a busy timeout. */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from '../schema.ts'

/** Opens (creating if needed) the database at `path`; `:memory:` for tests. */
export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SqliteDatabase(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL in WAL mode is durable across process crashes (kill -9); only an OS crash can
  // lose the last transactions. FULL would fsync on every router ping.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}
