/**
 * Statements built and compiled once. Kysely builds a syntax tree and compiles it to SQL on
 * every call, and on the update path that cost more than SQLite running the statement. A
 * statement here is built once per dialect with marker values in place of its parameters;
 * each run sends the same SQL with the real values put where the markers were.
 *
 * Only for statements whose shape never changes (no lists of varying length): the SQL stays
 * Kysely's, so it is the same portable SQL the builder would have made.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely'
import { noteLocalWrite } from './local-writes.ts'
import type { Database } from './schema.ts'
import { sqlDialect, type SqlDialect } from './sql-dialect.ts'

interface Built<K extends string> {
  readonly query: CompiledQuery
  /** For each parameter, the name of the value that goes there (undefined: keep it). */
  readonly slots: readonly (K | undefined)[]
}

/** A statement of named values; run it on a database or inside a transaction. */
export type Statement<K extends string, R> = (
  db: Kysely<Database>,
  values: Readonly<Record<K, unknown>>,
) => Promise<QueryResult<R>>

/**
 * Builds `build(db, markers)` once per dialect; `markers.x` stands for the value named `x`
 * (typed `never`, so it fits whatever the column takes: it is only a placeholder).
 */
export function statement<K extends string, R = unknown>(
  names: readonly K[],
  build: (db: Kysely<Database>, m: Record<K, never>) => Compilable<R>,
): Statement<K, R> {
  const built = new Map<SqlDialect, Built<K>>()
  return (db, values) => {
    const dialect = sqlDialect(db)
    let b = built.get(dialect)
    if (b === undefined) {
      const markers = Object.fromEntries(names.map((n) => [n, `\u0000${n}\u0000`])) as Record<
        K,
        string
      >
      const query = build(db, markers as Record<K, never>).compile()
      const byMarker = new Map(names.map((n) => [markers[n], n]))
      b = { query, slots: query.parameters.map((p) => byMarker.get(p as string)) }
      built.set(dialect, b)
    }
    const { query, slots } = b
    if (query.query.kind !== 'SelectQueryNode') noteLocalWrite()
    const parameters = slots.map((name, i) =>
      name === undefined ? query.parameters[i] : values[name],
    )
    return db.executeQuery<R>({ ...query, parameters })
  }
}
