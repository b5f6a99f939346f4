import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { STORE_DIALECTS, useMigratedDatabase } from '../../test/helpers/store-dialects.ts'
import { SharedWindowCounters, type CounterCell } from '../core/rate-limit/rate-limit-shared.ts'
import { SqlCounterStore } from './rate-counter-store.ts'
import type { Database } from './schema.ts'

const MINUTE = 60_000
const T0 = Date.parse('2030-01-01T00:00:00Z')
let t = T0
const clock = { now: () => new Date(t) }

function cell(key: string, hits: number, start = T0): CounterCell {
  return { key, windowMs: MINUTE, start, hits }
}

/** One instance's counters over the store, failing the test on any sync error. */
function instance(db: Kysely<Database>): SharedWindowCounters {
  return new SharedWindowCounters({
    store: new SqlCounterStore(db),
    clock,
    maxEntries: 1000,
    onError: (step, e) => {
      assert.fail(`${step}: ${String(e)}`)
    },
  })
}

for (const dialect of STORE_DIALECTS) {
  void describe(`rate counter store (${dialect.name})`, () => {
    const db = useMigratedDatabase(dialect)
    beforeEach(() => {
      t = T0
    })

    it('adds to the same row from two stores, also at once, and reads the totals', async () => {
      const a = new SqlCounterStore(db())
      const b = new SqlCounterStore(db())
      await a.add([cell('bad:ip:203.0.113.7', 2), cell('bad:ip:203.0.113.7', 1)])
      await Promise.all([
        a.add([cell('bad:ip:203.0.113.7', 5), cell('host:a.dyn.example.test', 1)]),
        b.add([cell('host:a.dyn.example.test', 4), cell('bad:ip:203.0.113.7', 7)]),
      ])
      const rows = await b.read(['bad:ip:203.0.113.7', 'host:a.dyn.example.test', 'x'], T0)
      assert.deepEqual(
        rows.map((r) => [r.key, r.hits]).sort(),
        [
          ['bad:ip:203.0.113.7', 15],
          ['host:a.dyn.example.test', 5],
        ].sort(),
      )
    })

    it('keeps windows apart, reads from `since` on and prunes windows two lengths old', async () => {
      const store = new SqlCounterStore(db())
      await store.add([cell('k', 1, T0 - MINUTE), cell('k', 2, T0), cell('k', 3, T0 + MINUTE)])
      assert.deepEqual(
        (await store.read(['k'], T0)).map((r) => [r.start, r.hits]).sort(),
        [
          [T0, 2],
          [T0 + MINUTE, 3],
        ].sort(),
      )
      // A window goes once it can no longer be the previous one: two lengths after its start.
      assert.equal(await store.prune(T0 + MINUTE), 1)
      assert.equal(await store.prune(T0 + 2 * MINUTE - 1), 0)
      assert.equal(await store.prune(T0 + 2 * MINUTE), 1)
      assert.deepEqual(
        (await store.read(['k'], 0)).map((r) => r.start),
        [T0 + MINUTE],
      )
    })

    it('stores keys longer than the column by their hash, read back under the key', async () => {
      const store = new SqlCounterStore(db())
      const long = `bad:name:${'é'.repeat(400)}`
      await store.add([cell(long, 1)])
      await store.add([cell(long, 1)])
      assert.deepEqual(
        (await store.read([long], T0)).map((r) => [r.key, r.hits]),
        [[long, 2]],
      )
    })

    it('two instances see each other after a sync: get answers the combined count', async () => {
      const a = instance(db())
      const b = instance(db())
      for (let i = 0; i < 3; i++) a.add('bad:ip:198.51.100.1', MINUTE, t)
      for (let i = 0; i < 2; i++) b.add('bad:ip:198.51.100.1', MINUTE, t)
      assert.equal(a.get('bad:ip:198.51.100.1', MINUTE, t).current, 3, 'own count at once')
      await a.sync()
      await b.sync()
      assert.equal(b.get('bad:ip:198.51.100.1', MINUTE, t).current, 5)
      // Read back only after a use: the use answers the last totals and asks for fresh ones.
      assert.equal(a.get('bad:ip:198.51.100.1', MINUTE, t).current, 3)
      await a.sync()
      assert.equal(a.get('bad:ip:198.51.100.1', MINUTE, t).current, 5)
      // The next window: the 5 become the previous window's count on both.
      t += MINUTE
      b.add('bad:ip:198.51.100.1', MINUTE, t)
      await b.sync()
      await a.sync()
      assert.deepEqual(a.get('bad:ip:198.51.100.1', MINUTE, t), {
        start: T0 + MINUTE,
        previous: 5,
        current: 1,
      })
      await a.close()
      await b.close()
    })
  })
}
