/**
 * Cache epochs: counters the database itself raises whenever a row the update path caches
 * changes, so an instance can keep tokens, accounts, hosts and lockouts in memory and still
 * see every change made by anyone else (the CLI, the REST API, another instance, a manual
 * SQL edit) on its next request. Triggers do the raising, so no writer can forget to.
 *
 * Two counters: `data` (accounts, tokens, hosts, their addresses and TXT values) and
 * `lockouts` (kept apart so a stream of failed logins does not empty the data caches).
 * Columns that change on every router ping (`last_seen_at`, `last_used_at`, a record's
 * `updated_at`) do not raise them: those writes change nothing a cache holds.
 *
 * The SQL differs per dialect: SQLite and PostgreSQL name the columns (`UPDATE OF`),
 * PostgreSQL needs a trigger function, and MariaDB compares the old and new values instead.
 */
import { sql, type Kysely } from 'kysely'
import { sqlDialect, type SqlDialect } from '../sql-dialect.ts'
import { undoOnFailure, type UndoStep } from './undo-on-failure.ts'

/** Which table raises which counter, and the columns whose update counts. */
export const EPOCH_SOURCES: readonly {
  readonly table: string
  readonly epoch: 'data' | 'lockouts'
  readonly columns: readonly string[]
}[] = [
  { table: 'users', epoch: 'data', columns: ['name', 'password_hash', 'is_admin'] },
  {
    table: 'tokens',
    epoch: 'data',
    columns: [
      'owner_id',
      'hash',
      'host_id',
      'expires_at',
      'scope',
      'host_limited',
      'record_types',
      'source_cidrs',
    ],
  },
  { table: 'token_hosts', epoch: 'data', columns: ['token_id', 'host_id'] },
  { table: 'hosts', epoch: 'data', columns: ['zone_id', 'label', 'owner_id', 'dns_ttl'] },
  { table: 'records', epoch: 'data', columns: ['host_id', 'type', 'value'] },
  { table: 'acme_txt', epoch: 'data', columns: ['host_id', 'value', 'expires_at'] },
  {
    table: 'lockouts',
    epoch: 'lockouts',
    columns: ['subject', 'source', 'failures', 'level', 'locked_until', 'last_failure_at'],
  },
]

const EVENTS = ['insert', 'update', 'delete'] as const

/**
 * Creates `cache_epochs` with its two rows and the triggers that raise them. On MariaDB a
 * failure (typically binary logging without `log_bin_trust_function_creators`) drops what was
 * created, so `dynzone db migrate` can simply be run again once the setting is fixed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  try {
    await undoOnFailure(db, undoSteps(sqlDialect(db)), () => create(db))
  } catch (e) {
    throw explained(e)
  }
}

async function create(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cache_epochs')
    .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute()
  await sql`INSERT INTO cache_epochs (name, value) VALUES ('data', 0), ('lockouts', 0)`.execute(db)
  const dialect = sqlDialect(db)
  if (dialect === 'postgres') {
    await sql
      .raw(
        `CREATE FUNCTION dynzone_raise_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cache_epochs SET value = value + 1 WHERE name = TG_ARGV[0];
  RETURN NULL;
END $$`,
      )
      .execute(db)
  }
  for (const source of EPOCH_SOURCES) {
    for (const event of EVENTS) await sql.raw(triggerSql(dialect, source, event)).execute(db)
  }
}

// ER_BINLOG_CREATE_ROUTINE_NEED_SUPER: the server's own text does not say what to do.
function explained(e: unknown): unknown {
  if ((e as { errno?: unknown }).errno !== 1419) return e
  return new Error(
    `${(e as Error).message} (MariaDB with binary logging: run SET GLOBAL log_bin_trust_function_creators = 1 as an administrator, or grant SUPER, then run dynzone db migrate again; see docs/deployment.md)`,
  )
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const step of undoSteps(sqlDialect(db))) await step(db)
}

/** One step per object `up` creates, each dropping it if it exists. */
function undoSteps(dialect: SqlDialect): UndoStep[] {
  const steps: UndoStep[] = []
  for (const source of EPOCH_SOURCES) {
    for (const event of EVENTS) {
      const name = triggerName(source.table, event)
      const on = dialect === 'postgres' ? ` ON ${source.table}` : ''
      steps.push((db) => sql.raw(`DROP TRIGGER IF EXISTS ${name}${on}`).execute(db))
    }
  }
  if (dialect === 'postgres')
    steps.push((db) => sql.raw('DROP FUNCTION IF EXISTS dynzone_raise_epoch()').execute(db))
  steps.push((db) => db.schema.dropTable('cache_epochs').ifExists().execute())
  return steps
}

function triggerName(table: string, event: string): string {
  return `${table}_${event}_epoch`
}

function triggerSql(
  dialect: SqlDialect,
  source: (typeof EPOCH_SOURCES)[number],
  event: (typeof EVENTS)[number],
): string {
  const name = triggerName(source.table, event)
  const raise = `UPDATE cache_epochs SET value = value + 1 WHERE name = '${source.epoch}'`
  const cols = source.columns.join(', ')
  const what = event === 'update' ? `UPDATE OF ${cols}` : event.toUpperCase()
  switch (dialect) {
    case 'sqlite':
      return `CREATE TRIGGER ${name} AFTER ${what} ON ${source.table} BEGIN ${raise}; END`
    case 'postgres':
      return (
        `CREATE TRIGGER ${name} AFTER ${what} ON ${source.table} ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION dynzone_raise_epoch('${source.epoch}')`
      )
    case 'mariadb': {
      if (event !== 'update') {
        return `CREATE TRIGGER ${name} AFTER ${what} ON ${source.table} FOR EACH ROW ${raise}`
      }
      const same = source.columns.map((c) => `NEW.${c} <=> OLD.${c}`).join(' AND ')
      return (
        `CREATE TRIGGER ${name} AFTER UPDATE ON ${source.table} FOR EACH ROW ` +
        `BEGIN IF NOT (${same}) THEN ${raise}; END IF; END`
      )
    }
  }
}
