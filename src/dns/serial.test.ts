import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { initialSerial, nextSerial, serialGreater } from './serial.ts'

const MAX = 2 ** 32 - 1
const HALF = 2 ** 31

describe('serialGreater (RFC 1982)', () => {
  const table: [number, number, boolean][] = [
    [2, 1, true],
    [1, 2, false],
    [5, 5, false],
    [0, MAX, true],
    [MAX, 0, false],
    [10, MAX - 10, true],
    [MAX - 10, 10, false],
    [HALF - 1, 0, true],
    [0, HALF - 1, false],
    // Exactly half apart is undefined in RFC 1982: neither is greater.
    [HALF, 0, false],
    [0, HALF, false],
    [HALF + 1, 0, false],
    [0, HALF + 1, true],
    [1_700_000_000, 1_600_000_000, true],
  ]
  for (const [a, b, expected] of table) {
    it(`${String(a)} > ${String(b)} is ${String(expected)}`, () => {
      assert.equal(serialGreater(a, b), expected)
    })
  }
})

describe('nextSerial', () => {
  const table: [string, number, number, number][] = [
    ['the clock when ahead', 1_700_000_000, 1_700_000_100, 1_700_000_100],
    ['old + 1 within the same second', 1_700_000_100, 1_700_000_100, 1_700_000_101],
    ['old + 1 when the clock went back', 1_700_000_100, 1_600_000_000, 1_700_000_101],
    [
      'old + 1 when ahead of the clock by many changes',
      1_700_000_500,
      1_700_000_100,
      1_700_000_501,
    ],
    ['wraps to 0 after 2^32 - 1 within one second', MAX, MAX, 0],
    ['a clock just past the wrap is ahead of 2^32 - 1', MAX, 2 ** 32 + 100, 100],
    ['the clock across the wrap', MAX - 5, 2 ** 32 + 3, 3],
    ['a small hand-set serial moves to the clock', 2024010101, 2_100_000_000, 2_100_000_000],
    ['a clock more than half ahead is not greater: old + 1', 10, 10 + HALF + 5, 11],
  ]
  for (const [name, old, now, expected] of table) {
    it(name, () => {
      const next = nextSerial(old, now)
      assert.equal(next, expected)
      assert.equal(serialGreater(next, old), true)
    })
  }

  it('always increases in serial order over many steps across the wrap', () => {
    let serial = MAX - 3
    for (let i = 0; i < 10; i++) {
      const next = nextSerial(serial, MAX - 3)
      assert.equal(serialGreater(next, serial), true)
      assert.ok(next >= 0 && next <= MAX)
      serial = next
    }
    assert.equal(serial, 6)
  })
})

describe('serial schemes', () => {
  // 2026-11-22T07:00:00Z
  const now = Date.UTC(2026, 10, 22, 7) / 1000
  const table: [string, Parameters<typeof nextSerial>[2], number, number][] = [
    ['date: first change of the day', 'date', 2026112107, 2026112200],
    ['date: later change the same day', 'date', 2026112200, 2026112201],
    ['date: past nn = 99 it runs on', 'date', 2026112299, 2026112300],
    ['date: switching from unix time moves forward to the date form', 'date', now + 5, 2026112200],
    ['increment: old + 1', 'increment', 41, 42],
    ['increment: wraps at 2^32', 'increment', MAX, 0],
    ['unixtime: the current time', 'unixtime', now - 10, now],
    [
      'unixtime: never below a larger old serial (from the date scheme)',
      'unixtime',
      2026112299,
      2026112300,
    ],
  ]
  for (const [name, scheme, old, expected] of table) {
    it(name, () => {
      assert.equal(nextSerial(old, now, scheme), expected)
    })
  }

  it('starts new zones per scheme', () => {
    assert.equal(initialSerial('date', now), 2026112200)
    assert.equal(initialSerial('increment', now), 1)
    assert.equal(initialSerial('unixtime', now), now)
  })
})
