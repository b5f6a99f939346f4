/**
 * Session locks for the publisher leases (src/publisher/lease.ts): one dedicated connection
 * per instance holds a lock per zone it publishes, which the database server releases by
 * itself when that connection dies (the process was killed, the machine went away).
 * PostgreSQL: session-level advisory locks (`pg_try_advisory_lock`); MariaDB: `GET_LOCK`.
 * SQLite is one machine and has none.
 *
 * A session the server cannot reach any more (a network split rather than a dead process) is
 * dropped by the server only after `lease_seconds` of silence (PostgreSQL: TCP keepalives,
 * `tcp_user_timeout` and `idle_session_timeout` set for the session; MariaDB: the session's
 * `wait_timeout`), by when the holder has stopped pushing on its own (lease.ts: two thirds of
 * a lease without a renewal or without a lock-session round trip): the fencing by time holds.
 * Every statement on the session is bounded (5 s), and a connection that fails or whose
 * open fails is destroyed, never left behind.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import { createConnection, type Connection } from 'mysql2/promise'
import type { SessionLocks } from './lease.ts'
import type { DatabaseSettings } from '../store/database.ts'
import { serverTarget, type ServerTarget } from '../store/sql/server-target.ts'

/** The session locks of the configured database; undefined on SQLite. */
export function openSessionLocks(
  settings: DatabaseSettings,
  cluster: string,
  leaseSeconds: number,
): SessionLocks | undefined {
  switch (settings.backend) {
    case 'sqlite':
      return undefined
    case 'postgres':
      return new PgSessionLocks(serverTarget(settings, 5432), cluster, leaseSeconds)
    case 'mariadb':
      return new MariadbSessionLocks(serverTarget(settings, 3306), cluster, leaseSeconds)
  }
}

// One lock name per database and zone: the cluster id tells two databases on one server apart.
function lockName(cluster: string, zone: string): string {
  return createHash('sha256').update(`dynzone-lease/${cluster}/${zone}`).digest('hex').slice(0, 60)
}

/** What the two dialects differ in: opening the session and the lock statements. */
abstract class OneSession<C> implements SessionLocks {
  #conn: Promise<C> | undefined
  /** The open connection of `#conn`: events of any other connection are stale. */
  #current: C | undefined
  #session = 0

  constructor(
    protected readonly target: ServerTarget,
    protected readonly cluster: string,
    protected readonly leaseSeconds: number,
  ) {}

  get session(): number {
    return this.#session
  }

  async tryLock(zone: string): Promise<boolean> {
    return this.#use((c) => this.lock(c, lockName(this.cluster, zone)))
  }

  async unlock(zone: string): Promise<void> {
    if (this.#conn === undefined) return
    await this.#use((c) => this.release(c, lockName(this.cluster, zone)))
  }

  async ping(): Promise<void> {
    await this.#use((c) => this.query(c, 'SELECT 1'))
  }

  /** Ends the session (its locks go with it); the next use opens a new one. */
  close(): Promise<void> {
    return this.#drop()
  }

  /** Called by a subclass when a connection fails: if it is the current one, its locks are gone. */
  protected lost(c: C): void {
    if (this.#current === c) void this.#drop()
  }

  #drop(): Promise<void> {
    const conn = this.#conn
    if (conn === undefined) return Promise.resolve()
    this.#conn = undefined
    this.#current = undefined
    this.#session += 1
    // Destroyed, not ended: a polite end would wait behind a hung query.
    return conn.then((c) => this.destroy(c)).catch(() => undefined)
  }

  async #use<T>(step: (c: C) => Promise<T>): Promise<T> {
    if (this.#conn === undefined) {
      this.#session += 1
      const opening = this.open()
      this.#conn = opening
      opening.then(
        (c) => {
          if (this.#conn === opening) this.#current = c
        },
        () => undefined,
      )
    }
    const conn = this.#conn
    try {
      return await step(await conn)
    } catch (e) {
      if (this.#conn === conn) void this.#drop()
      throw e
    }
  }

  protected abstract open(): Promise<C>
  protected abstract lock(c: C, name: string): Promise<boolean>
  protected abstract release(c: C, name: string): Promise<void>
  protected abstract query(c: C, sql: string): Promise<unknown>
  /** Closes the connection at once, whatever runs on it; never rejects. */
  protected abstract destroy(c: C): Promise<void>
}

class PgSessionLocks extends OneSession<pg.Client> {
  protected async open(): Promise<pg.Client> {
    const t = this.target
    const client = new pg.Client({
      host: t.host,
      port: t.port,
      database: t.database,
      user: t.user,
      ...(t.password === undefined ? {} : { password: t.password }),
      connectionTimeoutMillis: 10_000,
      query_timeout: 5000,
      keepAlive: true,
    })
    client.on('error', () => {
      this.lost(client)
    })
    client.on('end', () => {
      this.lost(client)
    })
    try {
      await client.connect()
      // The server drops this session after a lease of silence (see the top): no keepalive
      // answer, unacknowledged data, or no command at all (a holder whose rounds hang while
      // its kernel still answers keepalives). tcp_user_timeout needs PostgreSQL 12 and
      // idle_session_timeout 14: an older server refuses the unknown name, so each is set only
      // where the server has it (the keepalives and the lease still fence older ones).
      const version = await client.query<{ v: string }>(
        "SELECT current_setting('server_version_num') AS v",
      )
      const num = Number(version.rows[0]?.v ?? 0)
      const idle = String(this.leaseSeconds)
      const ms = String(this.leaseSeconds * 1000)
      const sets = [
        `SET tcp_keepalives_idle = ${idle}`,
        'SET tcp_keepalives_interval = 1',
        'SET tcp_keepalives_count = 1',
        ...(num >= 120000 ? [`SET tcp_user_timeout = ${ms}`] : []),
        ...(num >= 140000 ? [`SET idle_session_timeout = ${ms}`] : []),
      ]
      await client.query(sets.join('; '))
      return client
    } catch (e) {
      void this.destroy(client)
      throw e
    }
  }

  protected async lock(c: pg.Client, name: string): Promise<boolean> {
    const r = await c.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
      [name],
    )
    return r.rows[0]?.ok === true
  }

  protected async release(c: pg.Client, name: string): Promise<void> {
    await c.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name])
  }

  protected query(c: pg.Client, sql: string): Promise<unknown> {
    return c.query(sql)
  }

  protected destroy(c: pg.Client): Promise<void> {
    return c.end().catch(() => undefined)
  }
}

class MariadbSessionLocks extends OneSession<Connection> {
  protected async open(): Promise<Connection> {
    const t = this.target
    const conn = await createConnection({
      host: t.host,
      port: t.port,
      database: t.database,
      user: t.user,
      ...(t.password === undefined ? {} : { password: t.password }),
      connectTimeout: 10_000,
      charset: 'utf8mb4_bin',
    })
    conn.on('error', () => {
      this.lost(conn)
    })
    conn.on('end', () => {
      this.lost(conn)
    })
    try {
      // The server drops this session only after a lease of silence (see the top).
      const sql = `SET SESSION wait_timeout = ${String(this.leaseSeconds + 1)}`
      await conn.query({ sql, timeout: 5000 })
      return conn
    } catch (e) {
      void this.destroy(conn)
      throw e
    }
  }

  protected async lock(c: Connection, name: string): Promise<boolean> {
    const [rows] = await c.query({ sql: 'SELECT GET_LOCK(?, 0) AS ok', timeout: 5000 }, [name])
    return (rows as { ok: number | null }[])[0]?.ok === 1
  }

  protected async release(c: Connection, name: string): Promise<void> {
    await c.query({ sql: 'SELECT RELEASE_LOCK(?)', timeout: 5000 }, [name])
  }

  protected query(c: Connection, sql: string): Promise<unknown> {
    return c.query({ sql, timeout: 5000 })
  }

  protected destroy(c: Connection): Promise<void> {
    c.destroy()
    return Promise.resolve()
  }
}
