/**
 * MariaDB compares text by the database's default collation, which is case-insensitive on
 * most installations (`utf8mb4_general_ci`): user names differing only in case would
 * collide, unlike on SQLite and PostgreSQL. dynzone's tables take the database default, so
 * the database must be created with a binary collation; this check says so before the
 * first table is made.
 */
import type { Kysely } from 'kysely'
import { sqlDialect } from '../sql-dialect.ts'

interface Schemata {
  'information_schema.SCHEMATA': { SCHEMA_NAME: string; DEFAULT_COLLATION_NAME: string }
}

/** Why the MariaDB database's collation will not do, or undefined (always on other dialects). */
export async function collationProblem(db: Kysely<unknown>): Promise<string | undefined> {
  if (sqlDialect(db) !== 'mariadb') return undefined
  const row = await (db as unknown as Kysely<Schemata>)
    .selectFrom('information_schema.SCHEMATA')
    .select(['SCHEMA_NAME', 'DEFAULT_COLLATION_NAME'])
    .where((eb) => eb('SCHEMA_NAME', '=', eb.fn<string>('database')))
    .executeTakeFirst()
  if (row === undefined) return 'no database selected (database.name or the URL path)'
  if (row.DEFAULT_COLLATION_NAME.endsWith('_bin')) return undefined
  return (
    `MariaDB database ${row.SCHEMA_NAME} has collation ${row.DEFAULT_COLLATION_NAME}; dynzone ` +
    `needs a binary one: ALTER DATABASE ${row.SCHEMA_NAME} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`
  )
}
