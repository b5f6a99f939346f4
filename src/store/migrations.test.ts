import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { COPY_ORDER } from './copy.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'

for (const dialect of STORE_DIALECTS) {
  void describe(`${dialect.name}: migrations`, () => {
    dialect.useServer()
    let db: Kysely<Database>
    beforeEach(async () => {
      db = await dialect.fresh()
    })
    afterEach(async () => {
      await db.destroy()
    })

    void it('create every table of the schema, once', async () => {
      const first = await migrateToLatest(db as Kysely<unknown>)
      assert.ok(first.ok, first.ok ? '' : first.error)
      assert.equal(first.value[0], '0001-initial')
      const again = await migrateToLatest(db as Kysely<unknown>)
      assert.deepEqual(again, { ok: true, value: [] })
      const tables = (await db.introspection.getTables())
        .map((t) => t.name)
        .filter((name) => !name.startsWith('kysely_'))
        .sort()
      assert.deepEqual(tables, [...COPY_ORDER].sort())
    })
  })
}
