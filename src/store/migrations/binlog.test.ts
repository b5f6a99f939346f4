/**
 * MariaDB with binary logging: creating migration 0011's triggers needs SUPER or
 * `log_bin_trust_function_creators`. A user without either gets an error that says what to
 * set, the failed migration leaves none of its tables behind (MariaDB commits DDL at once),
 * and `db migrate` run again after the fix goes through.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { createConnection } from 'mysql2/promise'
import type { DbServer } from '../../../test/helpers/db-server.ts'
import { startMariadb } from '../../../test/helpers/mariadb.ts'
import { Secret } from '../../core/auth/secret.ts'
import { openDatabase } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'

void describe('migrations on MariaDB with binary logging', () => {
  let server: DbServer
  before(async () => {
    server = await startMariadb({ binlog: true })
  })
  after(async () => {
    await server.stop()
  })

  void it('fail cleanly without log_bin_trust_function_creators, then pass once it is set', async () => {
    const root = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root' })
    await root.query('create database dz')
    // What docs/deployment.md grants: everything on the database, no SUPER.
    await root.query("create user 'dynzone'@'127.0.0.1' identified by 'pw'")
    await root.query("grant all on dz.* to 'dynzone'@'127.0.0.1'")
    const migrate = async (): Promise<Awaited<ReturnType<typeof migrateToLatest>>> => {
      const db = openDatabase({
        backend: 'mariadb',
        path: '',
        url: new Secret(`mysql://dynzone:pw@127.0.0.1:${String(server.port)}/dz`),
        host: '',
        port: 0,
        name: '',
        user: '',
        password: null,
        pool_size: 2,
      })
      assert.ok(db.ok)
      try {
        return await migrateToLatest(db.value as Kysely<unknown>)
      } finally {
        await db.value.destroy()
      }
    }
    const first = await migrate()
    assert.ok(!first.ok)
    assert.match(first.error, /0011-cache-epochs failed: .*log_bin_trust_function_creators = 1/)
    const [tables] = await root.query("show tables from dz like 'cache_epochs'")
    assert.deepEqual(tables, [], 'the failed migration left its table behind')
    const [triggers] = await root.query('show triggers from dz')
    assert.deepEqual(triggers, [])
    // A second try without the fix fails the same way, not on leftovers.
    const second = await migrate()
    assert.ok(!second.ok)
    assert.match(second.error, /log_bin_trust_function_creators/)
    await root.query('set global log_bin_trust_function_creators = 1')
    await root.end()
    const fixed = await migrate()
    assert.ok(fixed.ok, fixed.ok ? '' : fixed.error)
    assert.ok(fixed.value.includes('0011-cache-epochs'))
  })
})
