/**
 * PostgreSQL through `pg`: a connection pool behind Kysely's PostgresDialect. `int8`
 * (bigint: zone serials, counts) is parsed to a number, as SQLite and MariaDB return it;
 * serials are 32-bit, counts stay far below 2^53.
 */
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../schema.ts'
import { serverTarget, type ServerSettings } from './server-target.ts'
import { countLocalWrites } from '../local-writes.ts'

const INT8_OID = 20

/** Opens a pool to the PostgreSQL database `settings` name (connections open on first use). */
export function openPostgres(settings: ServerSettings): Kysely<Database> {
  const target = serverTarget(settings, 5432)
  const types = new pg.TypeOverrides()
  types.setTypeParser(INT8_OID, (value: string) => Number(value))
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    max: target.poolSize,
    connectionTimeoutMillis: 10_000,
    types,
  })
  // An idle connection the server closed (restart, failover) is dropped from the pool; without
  // a listener the pool's 'error' event would end the process. The next query reconnects.
  pool.on('error', () => undefined)
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [countLocalWrites],
  })
}
