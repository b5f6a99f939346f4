/**
 * MariaDB (and MySQL) through `mysql2`: a connection pool behind Kysely's MysqlDialect.
 * Timestamps are stored as text, so no time zone conversion applies; the connection
 * collation is `utf8mb4_bin` so names compare byte for byte, as on SQLite and PostgreSQL.
 */
import { Kysely, MysqlDialect } from 'kysely'
import { createPool } from 'mysql2'
import type { Database } from '../schema.ts'
import { serverTarget, type ServerSettings } from './server-target.ts'
import { countLocalWrites } from '../local-writes.ts'

/** Opens a pool to the MariaDB database `settings` name (connections open on first use). */
export function openMariadb(settings: ServerSettings): Kysely<Database> {
  const target = serverTarget(settings, 3306)
  const pool = createPool({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    connectionLimit: target.poolSize,
    connectTimeout: 10_000,
    charset: 'utf8mb4_bin',
    // BIGINT as a number (serials are 32-bit); DECIMAL is not used.
    supportBigNumbers: false,
  })
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }), plugins: [countLocalWrites] })
}
