/**
 * A dump of every table of a dynzone SQLite database, rows in rowid order, for tests that
 * prove rejected input changed nothing: compare a dump before and after, as text.
 */
import Database from 'better-sqlite3'

/** Every table (but `skip`, and their id sequences) and its rows, as JSON text. */
export function dumpDatabase(path: string, skip: readonly string[] = []): string {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[]
    const out: Record<string, unknown[]> = {}
    for (const { name } of tables) {
      if (skip.includes(name)) continue
      const rows = db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all()
      // A skipped table's id sequence is skipped with it.
      out[name] =
        name === 'sqlite_sequence'
          ? rows.filter((r) => !skip.includes((r as { name: string }).name))
          : rows
    }
    return JSON.stringify(out, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v), 1)
  } finally {
    db.close()
  }
}
