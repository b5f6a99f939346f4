/**
 * Zone row locks for write transactions. SQLite runs one writer at a time; PostgreSQL and
 * MariaDB run them concurrently, so two updates of one zone could interleave their
 * delete-then-insert of a host's rows or read the same serial. Each writer therefore locks
 * the rows of the zones it edits first (`SELECT … FOR UPDATE`), always in name order so two
 * writers never wait on each other in a cycle.
 */
import type { Transaction } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'
import { sqlDialect } from './sql-dialect.ts'

/** Locks the rows of `zones` (every zone for `'all'`) until the transaction ends. */
export async function lockZones(
  trx: Transaction<Database>,
  zones: Iterable<Fqdn> | 'all',
): Promise<void> {
  if (sqlDialect(trx) === 'sqlite') return
  let query = trx.selectFrom('zones').select('id').orderBy('name')
  if (zones !== 'all') {
    const names = [...new Set(zones)]
    if (names.length === 0) return
    query = query.where('name', 'in', names)
  }
  await query.forUpdate().execute()
}
