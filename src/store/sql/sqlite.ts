/**
 * Opens the SQLite database (better-sqlite3) with WAL, foreign keys and a busy timeout, and
 * a cache of prepared statements: Kysely's SQLite driver calls `prepare` for every query,
 * which cost about as much as running it on the update path (a router ping runs several
 * small queries). The SQL texts are the few shapes the stores build, so the cache stays small.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { lru } from '../../core/lru.ts'
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqlite } from 'kysely'
import type { Database } from '../schema.ts'
import { countLocalWrites } from '../local-writes.ts'
import { startCheckpointer } from './sqlite-checkpointer.ts'

/**
 * Past this many distinct SQL texts the least recently used statement is dropped (queries
 * built with IN lists of varying length make new texts); a bound, not a tuning knob.
 */
export const MAX_CACHED_STATEMENTS = 500

/** SQLite's page cache per connection, in KiB. */
const CACHE_KIB = 64 * 1024

/** How the server's connection differs from a CLI command's. */
export interface SqliteOptions {
  /** Checkpoint the WAL from a worker thread, never in a commit (sqlite-checkpointer.ts). */
  readonly backgroundCheckpoints?: boolean
}

/** Opens (creating if needed) the database at `path`; `:memory:` for tests. */
export function openSqlite(path: string, options: SqliteOptions = {}): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SqliteDatabase(path)
  sqlite.pragma('journal_mode = WAL')
  // NORMAL in WAL mode is durable across process crashes (kill -9); only an OS crash can
  // lose the last transactions. FULL would fsync on every router ping.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Up to 64 MiB of pages (SQLite's default is 2 MiB): a zone larger than the update path's
  // cache has its host rows read on every ping, and with 1,000,000 hosts the 2 MiB default
  // sent most of those reads to the kernel (the `nochg` load over a million hosts: about
  // 3,000 requests per second with 2 MiB, 3,700 with 64 MiB). Allocated as pages are read.
  sqlite.pragma(`cache_size = -${String(CACHE_KIB)}`)
  const checkpointer =
    options.backgroundCheckpoints === true && path !== ':memory:'
      ? startCheckpointer(sqlite, path)
      : undefined
  return new Kysely<Database>({
    dialect: new SqliteDialect({
      database: cachingPrepare(sqlite, () => checkpointer?.stop()),
    }),
    plugins: [countLocalWrites],
  })
}

/** The database with `prepare` answered from a cache; a statement still iterating is not reused. */
export function cachingPrepare(
  sqlite: SqliteDatabase.Database,
  beforeClose: () => void = () => undefined,
): KyselySqlite {
  const cache = lru<string, SqliteDatabase.Statement>(MAX_CACHED_STATEMENTS)
  return {
    close: () => {
      beforeClose()
      cache.clear()
      sqlite.close()
    },
    prepare: (sql: string) => {
      const cached = cache.get(sql)
      if (cached !== undefined && !cached.busy) return cached
      const statement = sqlite.prepare(sql)
      if (cached === undefined) cache.set(sql, statement)
      return statement
    },
  }
}
