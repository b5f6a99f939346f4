/**
 * Cluster identity: a random id made with the database, which every instance on it shares and
 * writes into the zones it publishes to a shared backend (a TXT ownership marker, see
 * src/publisher/ownership.ts). Another cluster, on another database, then finds the zone
 * taken and refuses to publish into it. `zones.owner_conflict` names the cluster found in a
 * zone's marker while this one stays out of it; `zones.claim_requested_at` is
 * `dynzone zone claim`'s request to take the zone over anyway.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { undoOnFailure, type UndoStep } from './undo-on-failure.ts'

/** Creates `cluster_identity` with its one row and the two zone columns. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await undoOnFailure(db, UNDO, async () => {
    await db.schema
      .createTable('cluster_identity')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
      .execute()
    await (db as Kysely<{ cluster_identity: { id: string; created_at: string } }>)
      .insertInto('cluster_identity')
      .values({ id: randomUUID(), created_at: new Date().toISOString() })
      .execute()
    await db.schema.alterTable('zones').addColumn('owner_conflict', 'varchar(255)').execute()
    await db.schema.alterTable('zones').addColumn('claim_requested_at', 'varchar(40)').execute()
  })
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const step of UNDO) await step(db)
}

// One step per object `up` creates, in reverse.
const UNDO: readonly UndoStep[] = [
  (db) => db.schema.alterTable('zones').dropColumn('claim_requested_at').execute(),
  (db) => db.schema.alterTable('zones').dropColumn('owner_conflict').execute(),
  (db) => db.schema.dropTable('cluster_identity').ifExists().execute(),
]
