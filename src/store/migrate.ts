/** Applies the migrations in `migrations/` (listed here explicitly, in order). */
import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely'
import * as initial from './migrations/0001-initial.ts'
import * as acmeTxt from './migrations/0002-acme-txt.ts'
import * as zoneResync from './migrations/0003-zone-resync.ts'
import * as prefixGroups from './migrations/0004-prefix-groups.ts'
import * as lanAddresses from './migrations/0005-lan-addresses.ts'
import * as serialScheme from './migrations/0006-serial-scheme.ts'
import * as tokenScopes from './migrations/0007-token-scopes.ts'
import * as lockouts from './migrations/0008-lockouts.ts'
import * as webSessions from './migrations/0009-web-sessions.ts'
import * as publisherLeases from './migrations/0010-publisher-leases.ts'
import * as cacheEpochs from './migrations/0011-cache-epochs.ts'
import * as rateCounters from './migrations/0012-rate-counters.ts'
import * as lowEntropyTokens from './migrations/0013-low-entropy-tokens.ts'
import * as zoneRecords from './migrations/0014-zone-records.ts'
import * as secondFactors from './migrations/0015-second-factors.ts'
import * as passkeys from './migrations/0016-passkeys.ts'
import * as updateRequests from './migrations/0017-update-requests.ts'
import * as clusterIdentity from './migrations/0018-cluster-identity.ts'
import * as auditEvents from './migrations/0019-audit-events.ts'
import * as invitations from './migrations/0020-invitations.ts'
import { err, ok, type Result } from '../core/result.ts'
import { collationProblem } from './sql/mariadb-collation.ts'

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-acme-txt': acmeTxt,
  '0003-zone-resync': zoneResync,
  '0004-prefix-groups': prefixGroups,
  '0005-lan-addresses': lanAddresses,
  '0006-serial-scheme': serialScheme,
  '0007-token-scopes': tokenScopes,
  '0008-lockouts': lockouts,
  '0009-web-sessions': webSessions,
  '0010-publisher-leases': publisherLeases,
  '0011-cache-epochs': cacheEpochs,
  '0012-rate-counters': rateCounters,
  '0013-low-entropy-tokens': lowEntropyTokens,
  '0014-zone-records': zoneRecords,
  '0015-second-factors': secondFactors,
  '0016-passkeys': passkeys,
  '0017-update-requests': updateRequests,
  '0018-cluster-identity': clusterIdentity,
  '0019-audit-events': auditEvents,
  '0020-invitations': invitations,
}

/** Brings the schema to the latest version; returns the names applied now. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<Result<string[], string>> {
  try {
    const collation = await collationProblem(db)
    if (collation !== undefined) return err(collation)
  } catch (e) {
    return err(`cannot reach the database: ${(e as Error).message}`)
  }
  const migrator = new Migrator({
    db,
    // Numbers are handed out ahead of merging: a database that already has 0018 and 0019
    // must still take a later-merged 0015 (each migration touches only its own tables).
    allowUnorderedMigrations: true,
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
