import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCidr, parseIp, type IpAddress } from '../addresses/addresses.ts'
import {
  afterFailure,
  lockedFor,
  Lockouts,
  type LockEvent,
  type LockoutRecord,
  type LockoutSettings,
  type LockoutStore,
} from './lockout.ts'

const SETTINGS: LockoutSettings = {
  threshold: 3,
  baseSeconds: 60,
  maxSeconds: 600,
  resetSeconds: 86400,
}

function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start
  return {
    now: () => new Date(t),
    advance: (seconds: number) => {
      t += seconds * 1000
    },
  }
}

/** The store contract in memory (the SQL store is tested against a real database). */
class MemoryLockoutStore implements LockoutStore {
  readonly rows = new Map<number, LockoutRecord>()
  #next = 1
  find(subject: string, source: string): Promise<LockoutRecord | undefined> {
    return Promise.resolve(
      [...this.rows.values()].find((r) => r.subject === subject && r.source === source),
    )
  }
  save(record: LockoutRecord): Promise<void> {
    const id = record.id ?? this.#next++
    this.rows.set(id, { ...record, id })
    return Promise.resolve()
  }
  remove(id: number): Promise<void> {
    this.rows.delete(id)
    return Promise.resolve()
  }
}

function ip(text: string): IpAddress {
  const r = parseIp(text)
  assert.ok(r.ok)
  return r.value
}

describe('afterFailure', () => {
  it('locks at the threshold, then doubles per failure after a lock, up to the cap', () => {
    const clock = manualClock()
    let r: LockoutRecord | undefined
    const fail = () => {
      r = afterFailure(r, 'user:alice', '203.0.113.7', clock.now(), SETTINGS)
      return lockedFor(r, clock.now())
    }
    assert.equal(fail(), undefined)
    assert.equal(fail(), undefined)
    assert.equal(fail(), 60, 'third failure locks for the base time')
    const seen: (number | undefined)[] = []
    for (let i = 0; i < 5; i++) {
      clock.advance(lockedFor(r, clock.now()) ?? 0)
      seen.push(fail())
    }
    assert.deepEqual(seen, [120, 240, 480, 600, 600])
  })

  it('starts over after resetSeconds without failures', () => {
    const clock = manualClock()
    let r: LockoutRecord | undefined
    for (let i = 0; i < 3; i++) r = afterFailure(r, 's', 'x', clock.now(), SETTINGS)
    assert.equal(r?.level, 1)
    clock.advance(SETTINGS.resetSeconds)
    r = afterFailure(r, 's', 'x', clock.now(), SETTINGS)
    assert.equal(r.level, 0)
    assert.equal(r.failures, 1)
    assert.equal(lockedFor(r, clock.now()), undefined)
  })
})

describe('Lockouts', () => {
  const setup = (allow: string[] = []) => {
    const clock = manualClock()
    const store = new MemoryLockoutStore()
    const events: LockEvent[] = []
    const lockouts = new Lockouts({
      store,
      clock,
      settings: SETTINGS,
      allow: allow.map((c) => {
        const r = parseCidr(c)
        assert.ok(r.ok)
        return r.value
      }),
      onLocked: (e) => events.push(e),
    })
    return { clock, store, events, lockouts }
  }

  it('locks the credential at the failing address only, and tells once per lock', async () => {
    const { lockouts, events, clock } = setup()
    const attacker = ip('203.0.113.7')
    for (let i = 0; i < 3; i++) await lockouts.failed('user:alice', attacker)
    assert.equal(await lockouts.check('user:alice', attacker), 60)
    assert.equal(await lockouts.check('user:alice', ip('198.51.100.1')), undefined)
    assert.equal(await lockouts.check('user:bob', attacker), undefined)
    assert.deepEqual(
      events.map((e) => [e.subject, e.source, e.until]),
      [['user:alice', '203.0.113.7', '2026-01-01T00:01:00.000Z']],
    )
    clock.advance(60)
    await lockouts.failed('user:alice', attacker)
    assert.equal(await lockouts.check('user:alice', attacker), 120, 'locked again, doubled')
    assert.equal(events.length, 1, 'one notice per episode, not per doubling')
  })

  it('treats one IPv6 /64 as one source', async () => {
    const { lockouts } = setup()
    await lockouts.failed('token', ip('2001:db8:1:2::1'))
    await lockouts.failed('token', ip('2001:db8:1:2::2'))
    await lockouts.failed('token', ip('2001:db8:1:2:ffff::3'))
    assert.equal(await lockouts.check('token', ip('2001:db8:1:2::99')), 60)
    assert.equal(await lockouts.check('token', ip('2001:db8:1:3::1')), undefined)
  })

  it('never locks or counts an allow-listed address', async () => {
    const { lockouts, store } = setup(['198.51.100.0/24'])
    for (let i = 0; i < 10; i++) await lockouts.failed('user:alice', ip('198.51.100.9'))
    assert.equal(await lockouts.check('user:alice', ip('198.51.100.9')), undefined)
    assert.equal(store.rows.size, 0)
  })

  it('lifts itself when the time is up, and a success forgets the failures', async () => {
    const { lockouts, clock, store } = setup()
    const a = ip('203.0.113.7')
    for (let i = 0; i < 3; i++) await lockouts.failed('user:alice', a)
    clock.advance(60)
    assert.equal(await lockouts.check('user:alice', a), undefined)
    await lockouts.succeeded('user:alice', a)
    assert.equal(store.rows.size, 0)
    await lockouts.failed('user:alice', a)
    assert.equal(await lockouts.check('user:alice', a), undefined, 'back to the threshold')
  })

  it('is off with threshold 0', async () => {
    const store = new MemoryLockoutStore()
    const lockouts = new Lockouts({
      store,
      clock: manualClock(),
      settings: { ...SETTINGS, threshold: 0 },
      allow: [],
    })
    for (let i = 0; i < 10; i++) await lockouts.failed('user:alice', ip('203.0.113.7'))
    assert.equal(await lockouts.check('user:alice', ip('203.0.113.7')), undefined)
    assert.equal(store.rows.size, 0)
  })
})
