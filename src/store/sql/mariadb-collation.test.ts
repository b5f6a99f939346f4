import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { createConnection } from 'mysql2/promise'
import type { DbServer } from '../../../test/helpers/db-server.ts'
import { startMariadb } from '../../../test/helpers/mariadb.ts'
import { Secret } from '../../core/auth/secret.ts'
import { openDatabase } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'

void describe('MariaDB database collation', () => {
  let server: DbServer
  before(async () => {
    server = await startMariadb()
  })
  after(async () => {
    await server.stop()
  })

  void it('refuses a case-insensitive database before creating any table', async () => {
    const c = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root' })
    await c.query('create database ci_db character set utf8mb4 collate utf8mb4_general_ci')
    const settings = {
      backend: 'mariadb' as const,
      path: '',
      url: new Secret(server.url('ci_db')),
      host: '',
      port: 0,
      name: '',
      user: '',
      password: null,
      pool_size: 2,
    }
    const db = openDatabase(settings)
    assert.ok(db.ok)
    const migrated = await migrateToLatest(db.value as Kysely<unknown>)
    await db.value.destroy()
    assert.deepEqual(migrated, {
      ok: false,
      error:
        'MariaDB database ci_db has collation utf8mb4_general_ci; dynzone needs a binary one: ' +
        'ALTER DATABASE ci_db CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    })
    const [tables] = await c.query('show tables from ci_db')
    assert.deepEqual(tables, [])
    await c.query('alter database ci_db character set utf8mb4 collate utf8mb4_bin')
    await c.end()
    const again = openDatabase(settings)
    assert.ok(again.ok)
    const fixed = await migrateToLatest(again.value as Kysely<unknown>)
    await again.value.destroy()
    assert.equal(fixed.ok && fixed.value[0], '0001-initial')
  })
})
