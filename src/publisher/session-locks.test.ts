import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { Secret } from '../core/auth/secret.ts'
import type { DbServer } from '../../test/helpers/db-server.ts'
import { startPostgres } from '../../test/helpers/postgres.ts'
import type { DatabaseSettings } from '../store/database.ts'
import { openSessionLocks } from './session-locks.ts'

let server: DbServer
let url: string
let admin: pg.Client

function settings(): DatabaseSettings {
  return {
    backend: 'postgres',
    path: '',
    url: new Secret(url),
    host: '',
    port: 0,
    name: '',
    user: '',
    password: null,
    pool_size: 1,
  }
}

/** The sessions open on the test database, beside the admin's own. */
async function otherSessions(): Promise<number> {
  const r = await admin.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  )
  return Number(r.rows[0]?.n)
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.fail(what)
}

void describe('PostgreSQL session locks', () => {
  before(async () => {
    server = await startPostgres()
    url = server.url(await server.createDatabase('locks'))
    admin = new pg.Client({ connectionString: url })
    await admin.connect()
  })
  after(async () => {
    await admin.end()
    await server.stop()
  })

  it('a session idle for a lease is ended by the server, which frees its locks', async () => {
    const locks = openSessionLocks(settings(), 'c', 1)
    assert.ok(locks)
    assert.equal(await locks.tryLock('dyn.example'), true)
    const first = locks.session
    // No command for a second: the server drops the session although its client lives.
    await until('the idle session ends', () => Promise.resolve(locks.session !== first))
    const other = openSessionLocks(settings(), 'c', 60)
    assert.ok(other)
    assert.equal(await other.tryLock('dyn.example'), true)
    await other.close()
    await locks.close()
  })

  it('a session whose set-up fails is closed, not left open', async () => {
    // A lease too long for tcp_user_timeout: the SET after connecting fails.
    const locks = openSessionLocks(settings(), 'c', 3_000_000)
    assert.ok(locks)
    for (let i = 0; i < 3; i++) await assert.rejects(locks.tryLock('dyn.example'))
    await until('no session left open', async () => (await otherSessions()) === 0)
    await locks.close()
  })
})
