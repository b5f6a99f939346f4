/**
 * Tokens imported from guessable secrets (sftdyn keys, dyndns53 tokens: chosen by people,
 * often short) are marked `low_entropy`, so the credential gate keeps password budgets and
 * lockouts on them; generated tokens (160 random bits) skip those. Tokens imported before
 * this migration under the import's default label are marked here too.
 */
import { sql, type Kysely } from 'kysely'

/** Adds `tokens.low_entropy` and marks earlier sftdyn and dyndns53 imports. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tokens')
    .addColumn('low_entropy', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`UPDATE tokens SET low_entropy = 1
    WHERE label LIKE 'imported from sftdyn%' OR label LIKE 'imported from dyndns53%'`.execute(db)
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('low_entropy').execute()
}
