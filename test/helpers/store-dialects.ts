/**
 * The SQL dialects the store conformance suites run over: SQLite in memory, and a real
 * PostgreSQL and MariaDB started once per test file. `fresh()` gives each test an empty
 * database of its own (a new in-memory file, or a new database on the shared server).
 */
import { after, afterEach, before, beforeEach } from 'node:test'
import type { Kysely } from 'kysely'
import { Secret } from '../../src/core/auth/secret.ts'
import { openDatabase, type DatabaseSettings } from '../../src/store/database.ts'
import { migrateToLatest } from '../../src/store/migrate.ts'
import type { Database } from '../../src/store/schema.ts'
import type { DatabaseBackend } from '../../src/store/config-schema.ts'
import type { DbServer } from './db-server.ts'
import { startMariadb } from './mariadb.ts'
import { startPostgres } from './postgres.ts'

/** One dialect under test. */
export interface StoreDialect {
  readonly name: DatabaseBackend
  /** Registers `before`/`after` hooks starting and stopping its server in this suite. */
  useServer(): void
  /** An empty database (not migrated); the caller destroys it. */
  fresh(): Promise<Kysely<Database>>
  /** The settings `fresh()` last opened, for code that opens its own connections. */
  settings(): DatabaseSettings
}

const BASE = { path: '', host: '', port: 0, name: '', user: '', password: null, pool_size: 5 }

function serverDialect(name: 'postgres' | 'mariadb', start: () => Promise<DbServer>): StoreDialect {
  let server: DbServer | undefined
  let last: DatabaseSettings | undefined
  return {
    name,
    useServer() {
      before(async () => {
        server = await start()
      })
      after(async () => {
        await server?.stop()
      })
    },
    async fresh() {
      if (server === undefined) throw new Error(`${name}: useServer() was not called`)
      const database = await server.createDatabase()
      last = { ...BASE, backend: name, url: new Secret(server.url(database)) }
      const db = openDatabase(last)
      if (!db.ok) throw new Error(db.error)
      return db.value
    },
    settings() {
      if (last === undefined) throw new Error(`${name}: fresh() was not called`)
      return last
    },
  }
}

const sqlite: StoreDialect = {
  name: 'sqlite',
  useServer() {},
  fresh() {
    const db = openDatabase({ ...BASE, backend: 'sqlite', path: ':memory:', url: null })
    if (!db.ok) return Promise.reject(new Error(db.error))
    return Promise.resolve(db.value)
  },
  settings() {
    return { ...BASE, backend: 'sqlite', path: ':memory:', url: null }
  },
}

/** SQLite, PostgreSQL and MariaDB, in that order. */
export const STORE_DIALECTS: readonly StoreDialect[] = [
  sqlite,
  serverDialect('postgres', startPostgres),
  serverDialect('mariadb', startMariadb),
]

/**
 * Starts `dialect`'s server for the suite and gives each test a fresh, migrated database,
 * destroyed after it; returns how a test gets the current one.
 */
export function useMigratedDatabase(dialect: StoreDialect): () => Kysely<Database> {
  let db: Kysely<Database> | undefined
  dialect.useServer()
  beforeEach(async () => {
    db = await dialect.fresh()
    const migrated = await migrateToLatest(db as Kysely<unknown>)
    if (!migrated.ok) throw new Error(migrated.error)
  })
  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })
  return () => {
    if (db === undefined) throw new Error('no database outside a test')
    return db
  }
}
