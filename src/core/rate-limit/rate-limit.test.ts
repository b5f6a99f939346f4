import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseIp } from '../addresses/addresses.ts'
import { MemoryWindowCounters, RateLimiter, sourceKey, type Limited } from './rate-limit.ts'

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start
  return {
    now: () => new Date(t),
    advance: (seconds: number) => {
      t += seconds * 1000
    },
  }
}

const perMinute = (max: number): Limited => ({ key: 'k', budget: { windowSeconds: 60, max } })

describe('RateLimiter', () => {
  it('allows max events per window, then says how long to wait', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(new MemoryWindowCounters(100), clock)
    const limit = perMinute(3)
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.check([limit]), undefined, `event ${String(i + 1)}`)
      limiter.record([limit])
    }
    const wait = limiter.check([limit])
    assert.ok(wait !== undefined && wait >= 1 && wait <= 61, `wait ${String(wait)}`)
  })

  it('frees the budget gradually as the previous window fades (sliding estimate)', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(new MemoryWindowCounters(100), clock)
    const limit = perMinute(10)
    for (let i = 0; i < 10; i++) limiter.record([limit])
    assert.notEqual(limiter.check([limit]), undefined)
    // 61 s later: the 10 events of the previous window weigh 59/60 → ~9.8 < 10: one fits.
    clock.advance(61)
    assert.equal(limiter.check([limit]), undefined)
    limiter.record([limit])
    const wait = limiter.check([limit])
    assert.ok(wait !== undefined && wait <= 60, `wait ${String(wait)}`)
    clock.advance(wait)
    assert.equal(limiter.check([limit]), undefined, 'free again after Retry-After')
  })

  it('keeps keys and budgets apart and reports the longest wait', () => {
    const clock = manualClock()
    const limiter = new RateLimiter(new MemoryWindowCounters(100), clock)
    const a: Limited = { key: 'a', budget: { windowSeconds: 60, max: 1 } }
    const b: Limited = { key: 'b', budget: { windowSeconds: 3600, max: 1 } }
    limiter.record([a])
    assert.equal(limiter.check([b]), undefined)
    limiter.record([b])
    const both = limiter.check([a, b])
    assert.ok(both !== undefined && both > 60, `longest wait wins: ${String(both)}`)
  })

  it('forgets idle keys on sweep and caps the number of keys', () => {
    const clock = manualClock()
    const counters = new MemoryWindowCounters(3)
    const limiter = new RateLimiter(counters, clock)
    for (const key of ['a', 'b', 'c', 'd']) limiter.record([{ key, budget: perMinute(1).budget }])
    assert.equal(counters.size, 3, 'the oldest key was evicted')
    assert.equal(limiter.check([{ key: 'a', budget: perMinute(1).budget }]), undefined)
    assert.notEqual(limiter.check([{ key: 'd', budget: perMinute(1).budget }]), undefined)
    clock.advance(59)
    assert.equal(limiter.sweep(), 0, 'keys of the current window stay')
    clock.advance(121)
    assert.equal(limiter.sweep(), 3)
    assert.equal(counters.size, 0)
  })
})

describe('sourceKey', () => {
  it('keys IPv4 by address and IPv6 by /64', () => {
    const ip = (s: string) => {
      const r = parseIp(s)
      assert.ok(r.ok)
      return r.value
    }
    assert.equal(sourceKey(ip('203.0.113.7')), '203.0.113.7')
    assert.equal(sourceKey(ip('2001:db8:1:2:a:b:c:d')), '2001:db8:1:2::/64')
    assert.equal(sourceKey(ip('2001:db8:1:2::ffff')), sourceKey(ip('2001:db8:1:2:1::')))
    assert.notEqual(sourceKey(ip('2001:db8:1:3::1')), sourceKey(ip('2001:db8:1:2::1')))
  })
})
