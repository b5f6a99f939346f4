/**
 * The few places where SQLite, PostgreSQL and MariaDB differ, behind builder-only helpers:
 * which dialect a Kysely instance speaks, the id of an inserted row (PostgreSQL has no
 * `insertId`: it needs `RETURNING`), an auto-increment id column for migrations (PostgreSQL
 * needs `serial`), and row locks (`FOR UPDATE`, which SQLite lacks: it serializes writers).
 */
import {
  MysqlAdapter,
  PostgresAdapter,
  type CreateTableBuilder,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type SelectQueryBuilder,
} from 'kysely'
import type { Database } from './schema.ts'

/** The SQL dialects the store runs on. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mariadb'

/** The dialect `db` speaks, from its adapter. */
export function sqlDialect(db: Kysely<never> | Kysely<unknown> | Kysely<Database>): SqlDialect {
  const adapter = (db as Kysely<unknown>).getExecutor().adapter
  if (adapter instanceof PostgresAdapter) return 'postgres'
  if (adapter instanceof MysqlAdapter) return 'mariadb'
  return 'sqlite'
}

/** Tables whose rows have a generated `id`. */
type TableWithId = {
  [T in keyof Database]: Database[T] extends { id: unknown } ? T : never
}[keyof Database]

/** Runs an insert of one row and returns its generated id, on every dialect. */
export async function insertId<T extends TableWithId>(
  db: Kysely<Database>,
  query: InsertQueryBuilder<Database, T, InsertResult>,
): Promise<number> {
  if (sqlDialect(db) === 'postgres') {
    const row = await (query as unknown as InsertQueryBuilder<Database, 'users', InsertResult>)
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  const result = await query.executeTakeFirstOrThrow()
  return Number(result.insertId)
}

/** Adds the `id` primary key: `serial` on PostgreSQL, auto-increment integer elsewhere. */
export function withId<TB extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<TB>,
): CreateTableBuilder<TB, 'id'> {
  return sqlDialect(db) === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

/**
 * Locks the selected rows until the transaction ends (`FOR UPDATE`) where writers run
 * concurrently; SQLite runs one writer at a time, so there it is the query unchanged.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  db: Kysely<Database> | Kysely<DB>,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return sqlDialect(db as Kysely<unknown>) === 'sqlite' ? query : query.forUpdate()
}
