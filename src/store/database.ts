/**
 * Opens the configured database: SQLite (one file), PostgreSQL or MariaDB (a pool). The
 * one place that knows the dialects (see dialects/); everything else speaks Kysely.
 */
import type { Kysely } from 'kysely'
import { err, ok, type Result } from '../core/result.ts'
import type { DatabaseBackend } from './config-schema.ts'
import { openMariadb } from './sql/mariadb.ts'
import { openPostgres } from './sql/postgres.ts'
import { describeTarget, serverTarget, type ServerSettings } from './sql/server-target.ts'
import { openSqlite, type SqliteOptions } from './sql/sqlite.ts'
import type { Database } from './schema.ts'

/** The `[database]` config table as the opener reads it. */
export interface DatabaseSettings extends ServerSettings {
  readonly backend: DatabaseBackend
  /** The SQLite file (resolved by the config loader). */
  readonly path: string
}

/** Opens the database `settings` describe; a server database connects on first use. */
export function openDatabase(
  settings: DatabaseSettings,
  options: SqliteOptions = {},
): Result<Kysely<Database>, string> {
  try {
    switch (settings.backend) {
      case 'sqlite':
        return ok(openSqlite(settings.path, options))
      case 'postgres':
        return ok(openPostgres(settings))
      case 'mariadb':
        return ok(openMariadb(settings))
    }
  } catch (e) {
    return err(`cannot open database ${describeDatabase(settings)}: ${(e as Error).message}`)
  }
}

/** The database for messages: the SQLite path, or the server URL without its password. */
export function describeDatabase(settings: DatabaseSettings): string {
  switch (settings.backend) {
    case 'sqlite':
      return settings.path
    case 'postgres':
      return describeTarget('postgres', serverTarget(settings, 5432))
    case 'mariadb':
      return describeTarget('mariadb', serverTarget(settings, 3306))
  }
}
