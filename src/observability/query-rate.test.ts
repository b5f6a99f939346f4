/**
 * The DNS query-rate sampler: rates from counter deltas per step, the ring bound, a counter
 * reset, and the timer stopped on close.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QueryCount, QueryRateSampler, type Every } from './query-rate.ts'

function manualTimer(): { every: Every; tick: () => void; stopped: () => boolean } {
  let tick: () => void = () => undefined
  let stopped = false
  return {
    every: (_ms, t) => {
      tick = t
      return () => {
        stopped = true
      }
    },
    tick: () => {
      tick()
    },
    stopped: () => stopped,
  }
}

void describe('query rate sampler', () => {
  it('turns counter deltas into queries per second per step', () => {
    const count = new QueryCount()
    let now = 1_000_000
    const timer = manualTimer()
    const s = new QueryRateSampler({ read: () => count.total, now: () => now, every: timer.every })
    count.add(50)
    now += 10_000
    timer.tick()
    count.add(7)
    count.add()
    now += 10_000
    timer.tick()
    now += 10_000
    timer.tick()
    assert.deepEqual(s.series(), [
      { at: 1_010_000, perSecond: 5 },
      { at: 1_020_000, perSecond: 0.8 },
      { at: 1_030_000, perSecond: 0 },
    ])
  })

  it('keeps only the last hour (360 steps of 10 s)', () => {
    let total = 0
    let now = 0
    const timer = manualTimer()
    const s = new QueryRateSampler({ read: () => total, now: () => now, every: timer.every })
    for (let i = 1; i <= 400; i++) {
      total += i * 10
      now += 10_000
      timer.tick()
    }
    const series = s.series()
    assert.equal(series.length, 360)
    assert.deepEqual(series[0], { at: 41 * 10_000, perSecond: 41 })
    assert.deepEqual(series.at(-1), { at: 400 * 10_000, perSecond: 400 })
  })

  it('reads a lower count as a reset: the new count is the step’s queries', () => {
    let total = 1000
    let now = 0
    const timer = manualTimer()
    const s = new QueryRateSampler({ read: () => total, now: () => now, every: timer.every })
    total = 30
    now += 10_000
    timer.tick()
    assert.deepEqual(s.series(), [{ at: 10_000, perSecond: 3 }])
  })

  it('stops its timer on close', () => {
    const timer = manualTimer()
    const s = new QueryRateSampler({ read: () => 0, now: () => 0, every: timer.every })
    assert.equal(timer.stopped(), false)
    s.close()
    assert.equal(timer.stopped(), true)
  })
})
