import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextSerial, serialGreater } from './serial.ts'

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
