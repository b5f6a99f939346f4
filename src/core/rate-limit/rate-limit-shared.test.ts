import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RateLimiter } from './rate-limit.ts'
import {
  REPORT_EVERY,
  sharesCounters,
  SharedWindowCounters,
  type CounterCell,
  type CounterStore,
  type SyncStep,
} from './rate-limit-shared.ts'

const MINUTE = 60_000
const T0 = Date.parse('2030-01-01T00:00:00Z')

/** The shared table as a map; `failing` makes the next calls of a step throw. */
class FakeStore implements CounterStore {
  readonly rows = new Map<string, CounterCell>()
  readonly failing = new Set<SyncStep>()
  reads = 0

  add(cells: readonly CounterCell[]): Promise<void> {
    if (this.failing.has('write')) return Promise.reject(new Error('database down'))
    for (const c of cells) {
      const id = `${c.key} ${String(c.start)}`
      this.rows.set(id, { ...c, hits: (this.rows.get(id)?.hits ?? 0) + c.hits })
    }
    return Promise.resolve()
  }

  read(keys: readonly string[], since: number): Promise<CounterCell[]> {
    this.reads++
    if (this.failing.has('read')) return Promise.reject(new Error('database down'))
    const wanted = new Set(keys)
    return Promise.resolve(
      [...this.rows.values()].filter((r) => wanted.has(r.key) && r.start >= since),
    )
  }

  prune(nowMs: number): Promise<number> {
    if (this.failing.has('prune')) return Promise.reject(new Error('database down'))
    let n = 0
    for (const [id, r] of this.rows) {
      if (r.start + 2 * r.windowMs <= nowMs) n += Number(this.rows.delete(id))
    }
    return Promise.resolve(n)
  }

  hits(key: string, start = T0): number {
    return this.rows.get(`${key} ${String(start)}`)?.hits ?? 0
  }
}

function setup(maxEntries = 100) {
  let t = T0
  const clock = { now: () => new Date(t), advance: (ms: number) => (t += ms) }
  const store = new FakeStore()
  const errors: SyncStep[] = []
  const make = () =>
    new SharedWindowCounters({ store, clock, maxEntries, onError: (step) => errors.push(step) })
  return { clock, store, errors, make, now: () => t }
}

void describe('SharedWindowCounters', () => {
  it('counts locally at once and adds only the new counts to the store each sync', async () => {
    const { store, make } = setup()
    const c = make()
    c.add('k', MINUTE, T0)
    c.add('k', MINUTE, T0)
    assert.equal(store.hits('k'), 0, 'nothing written before a sync')
    assert.equal(c.get('k', MINUTE, T0).current, 2)
    await c.sync()
    assert.equal(store.hits('k'), 2)
    c.add('k', MINUTE, T0)
    await c.sync()
    await c.sync()
    assert.equal(store.hits('k'), 3, 'each count written once')
    assert.equal(c.get('k', MINUTE, T0).current, 3)
  })

  it("answers its own counts plus the others' from the last sync", async () => {
    const { make } = setup()
    const a = make()
    const b = make()
    const limiter = new RateLimiter(b, { now: () => new Date(T0) })
    const limit = { key: 'bad:ip:203.0.113.7', budget: { windowSeconds: 60, max: 5 } }
    for (let i = 0; i < 4; i++) a.add(limit.key, MINUTE, T0)
    limiter.record([limit])
    assert.equal(limiter.check([limit]), undefined, 'b alone has counted 1')
    await a.sync()
    await b.sync()
    assert.equal(b.get(limit.key, MINUTE, T0).current, 5)
    assert.notEqual(limiter.check([limit]), undefined, '4 + 1 reach the budget of 5')
  })

  it('reads back only keys used since the last sync', async () => {
    const { store, make } = setup()
    const c = make()
    c.get('k', MINUTE, T0)
    await c.sync()
    assert.equal(store.reads, 1)
    await c.sync()
    assert.equal(store.reads, 1, 'an idle key costs no read')
  })

  it('keeps counts of a failed write pending and sends them once when the store is back', async () => {
    const { store, errors, make } = setup()
    const c = make()
    c.add('k', MINUTE, T0)
    store.failing.add('write')
    await c.sync()
    assert.deepEqual(errors, ['write'])
    assert.equal(c.get('k', MINUTE, T0).current, 1, 'still counted here')
    c.add('k', MINUTE, T0)
    store.failing.delete('write')
    await c.sync()
    assert.equal(store.hits('k'), 2)
    assert.equal(c.get('k', MINUTE, T0).current, 2)
  })

  it('reports the first failure in a row and every REPORT_EVERYth, never throws', async () => {
    const { store, errors, make } = setup()
    const c = make()
    store.failing.add('write')
    for (let i = 0; i < REPORT_EVERY + 1; i++) {
      c.add('k', MINUTE, T0)
      await c.sync()
    }
    assert.deepEqual(errors, ['write', 'write'])
    store.failing.delete('write')
    await c.sync()
    assert.equal(store.hits('k'), REPORT_EVERY + 1, 'every count sent once the store is back')
  })

  it('survives a failed read: the written counts stay counted, the read is retried', async () => {
    const { store, errors, make } = setup()
    const a = make()
    const b = make()
    b.add('k', MINUTE, T0)
    await b.sync()
    a.add('k', MINUTE, T0)
    store.failing.add('read')
    await a.sync()
    assert.deepEqual(errors, ['read'])
    assert.equal(a.get('k', MINUTE, T0).current, 1)
    store.failing.delete('read')
    await a.sync()
    assert.equal(a.get('k', MINUTE, T0).current, 2)
  })

  it('rolls windows: the previous count is carried, older ones pruned after a sweep', async () => {
    const { clock, store, make, now } = setup()
    const c = make()
    c.add('k', MINUTE, T0)
    await c.sync()
    clock.advance(MINUTE)
    c.add('k', MINUTE, now())
    assert.deepEqual(c.get('k', MINUTE, now()), { start: T0 + MINUTE, previous: 1, current: 1 })
    await c.sync()
    clock.advance(MINUTE)
    assert.equal(c.sweep(now()), 0, 'the window of T0 + 1 min still counts as the previous')
    await c.sync()
    assert.deepEqual(
      [...store.rows.values()].map((r) => r.start),
      [T0 + MINUTE],
      'T0 pruned',
    )
    clock.advance(MINUTE)
    assert.equal(c.sweep(now()), 1, 'idle for two windows')
  })

  it('still sends the counts of keys evicted before a sync', async () => {
    const { store, make } = setup(2)
    const c = make()
    for (const key of ['a', 'b', 'c']) c.add(key, MINUTE, T0)
    assert.equal(c.size, 2)
    await c.sync()
    assert.deepEqual(
      ['a', 'b', 'c'].map((k) => store.hits(k)),
      [1, 1, 1],
    )
  })

  it('flushes on close and runs one sync at a time', async () => {
    const { store, make } = setup()
    const c = make()
    c.add('k', MINUTE, T0)
    const first = c.sync()
    assert.equal(c.sync(), first, 'a sync under way is joined, not doubled')
    await first
    c.add('k', MINUTE, T0)
    await c.close()
    assert.equal(store.hits('k'), 2)
  })
})

void describe('sharesCounters', () => {
  it('shares on server databases when auto, and as told otherwise', () => {
    assert.equal(sharesCounters('auto', 'sqlite'), false)
    assert.equal(sharesCounters('auto', 'postgres'), true)
    assert.equal(sharesCounters('auto', 'mariadb'), true)
    assert.equal(sharesCounters('on', 'sqlite'), true)
    assert.equal(sharesCounters('off', 'postgres'), false)
  })
})
