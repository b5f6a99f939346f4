/**
 * MariaDB (MySQL) commits every DDL statement at once, so a migration that fails halfway
 * leaves its first tables behind and the next `dynzone db migrate` fails on them ("already
 * exists"). Migrations that create several objects run their steps through this: on a
 * failure, each undo step (dropping one object, `IF EXISTS`) is tried on its own, so one
 * that cannot run (MariaDB with binary logging refuses even `DROP TRIGGER IF EXISTS` to a
 * user without SUPER) does not keep the others from running, and a second run starts clean.
 * On SQLite and PostgreSQL the migration's transaction does the same; the undo then finds
 * nothing.
 */
import type { Kysely } from 'kysely'

/** One cleanup step; it may fail (the object was never made, or may not be dropped). */
export type UndoStep = (db: Kysely<unknown>) => Promise<unknown>

/** Runs `steps`; when they throw, tries every one of `undo` in order and rethrows. */
export async function undoOnFailure(
  db: Kysely<unknown>,
  undo: readonly UndoStep[],
  steps: () => Promise<void>,
): Promise<void> {
  try {
    await steps()
  } catch (e) {
    for (const step of undo) {
      try {
        await step(db)
      } catch {
        // The original error says what went wrong; a failed cleanup step must not hide it.
      }
    }
    throw e
  }
}
