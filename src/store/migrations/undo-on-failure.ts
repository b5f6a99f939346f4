/**
 * MariaDB (MySQL) commits every DDL statement at once, so a migration that fails halfway
 * leaves its first tables behind and the next `dynzone db migrate` fails on them ("already
 * exists"). Migrations that create several objects run their steps through this: on a
 * failure, `undo` (written to drop whatever part exists) runs before the error goes on, so a
 * second run starts clean. On SQLite and PostgreSQL the migration's transaction does the
 * same; the undo then finds nothing.
 */
import type { Kysely } from 'kysely'

/** Runs `steps`; when they throw, runs `undo` and rethrows the first error. */
export async function undoOnFailure(
  db: Kysely<unknown>,
  undo: (db: Kysely<unknown>) => Promise<void>,
  steps: () => Promise<void>,
): Promise<void> {
  try {
    await steps()
  } catch (e) {
    try {
      await undo(db)
    } catch {
      // The original error says what went wrong; a failed cleanup must not hide it.
    }
    throw e
  }
}
