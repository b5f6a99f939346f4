/** Applies the migrations in `migrations/` (listed here explicitly, in order). */
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely'
import * as initial from './migrations/0001-initial.ts'
import * as acmeTxt from './migrations/0002-acme-txt.ts'
import * as zoneResync from './migrations/0003-zone-resync.ts'
import * as prefixGroups from './migrations/0004-prefix-groups.ts'
import * as lanAddresses from './migrations/0005-lan-addresses.ts'
import * as serialScheme from './migrations/0006-serial-scheme.ts'
import { err, ok, type Result } from '../core/result.ts'

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-acme-txt': acmeTxt,
  '0003-zone-resync': zoneResync,
  '0004-prefix-groups': prefixGroups,
  '0005-lan-addresses': lanAddresses,
  '0006-serial-scheme': serialScheme,
}

/** Brings the schema to the latest version; returns the names applied now. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<Result<string[], string>> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  })
  const set: MigrationResultSet = await migrator.migrateToLatest()
  if (set.error !== undefined) {
    const failed = set.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const message = set.error instanceof Error ? set.error.message : JSON.stringify(set.error)
    return err(`migration ${failed} failed: ${message}`)
  }
  return ok((set.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName))
}
