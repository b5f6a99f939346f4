import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import type { StoreZone } from './update-store.ts'
import { readZone, streamZone, syncZones } from './zones.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const ZONE = 'dyn.example' as Fqdn

// Host label → its records in insertion (id) order; `big` alone fills several pages of 3.
const HOSTS: [string, [string, string][]][] = [
  ['a', [['A', '192.0.2.1']]],
  [
    'b',
    [
      ['A', '192.0.2.2'],
      ['AAAA', '2001:db8::2'],
      ['A', '192.0.2.1'],
    ],
  ],
  ['big', Array.from({ length: 7 }, (_, i): [string, string] => ['TXT', `"v${String(i)}"`])],
  ['empty', []],
  ['c', [['AAAA', '2001:db8::3']]],
  ['d', [['A', '192.0.2.4']]],
]

let db: Kysely<Database>
let zone: StoreZone

const lines = (sets: readonly RecordSet[]): string[] =>
  sets.map((s) => `${s.name} ${s.type} ${String(s.ttl)} ${s.values.join(',')}`)

for (const dialect of STORE_DIALECTS) {
  void describe(dialect.name, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
      const [z] = await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], NOW)
      assert.ok(z !== undefined)
      zone = z
      const at = NOW.toISOString()
      const owner = await insertId(
        db,
        db
          .insertInto('users')
          .values({ name: 'u', email: null, password_hash: null, is_admin: 0, created_at: at }),
      )
      for (const [label, records] of HOSTS) {
        const host = await insertId(
          db,
          db.insertInto('hosts').values({
            zone_id: zone.id,
            label,
            owner_id: owner,
            dns_ttl: label === 'c' ? 30 : null,
            expiry_ttl: 0,
            created_at: at,
          }),
        )
        for (const [type, value] of records) {
          await db
            .insertInto('records')
            .values({ host_id: host, type, value, updated_at: at })
            .execute()
        }
      }
    })

    afterEach(async () => {
      await db.destroy()
    })

    describe('streamZone', () => {
      it('reads the same RRsets in pages of any size, hosts cut by a page read whole', async () => {
        const whole = await readZone(db, zone)
        assert.deepEqual(lines(whole.records), [
          'a.dyn.example A 60 192.0.2.1',
          'b.dyn.example A 60 192.0.2.2,192.0.2.1',
          'b.dyn.example AAAA 60 2001:db8::2',
          'big.dyn.example TXT 60 "v0","v1","v2","v3","v4","v5","v6"',
          'c.dyn.example AAAA 30 2001:db8::3',
          'd.dyn.example A 60 192.0.2.4',
        ])
        for (const pageRows of [1, 2, 3, 4, 7, 100]) {
          const paged: RecordSet[] = []
          const serial = await streamZone(db, zone, (s) => paged.push(s), pageRows)
          assert.equal(serial, whole.serial)
          assert.deepEqual(lines(paged), lines(whole.records), `pages of ${String(pageRows)}`)
        }
      })
    })
  })
}
