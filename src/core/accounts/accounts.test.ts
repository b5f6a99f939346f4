import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateTokenSecret } from './accounts.ts'

const fixed =
  (bytes: readonly number[]) =>
  (size: number): Uint8Array => {
    assert.equal(size, bytes.length)
    return Uint8Array.from(bytes)
  }

describe('generateTokenSecret', () => {
  it('asks for 20 bytes and gives 32 base32 characters', () => {
    let asked = 0
    const secret = generateTokenSecret((size) => {
      asked = size
      return new Uint8Array(size).fill(0xa5)
    })
    assert.equal(asked, 20)
    assert.equal(secret.length, 32)
    assert.match(secret, /^[a-z2-7]{32}$/)
  })

  const table: [string, number[], string][] = [
    ['all zero bits', Array<number>(20).fill(0), 'a'.repeat(32)],
    ['all one bits', Array<number>(20).fill(0xff), '7'.repeat(32)],
    // RFC 4648 test vector "foobar" (lowercase, unpadded), extended to 20 bytes with zeros.
    [
      'RFC 4648 vector',
      [...Buffer.from('foobar'), ...Array<number>(14).fill(0)],
      'mzxw6ytboi' + 'a'.repeat(22),
    ],
  ]
  for (const [name, bytes, expected] of table) {
    it(name, () => {
      assert.equal(generateTokenSecret(fixed(bytes)), expected)
    })
  }

  it('uses all 160 bits: flipping any one bit changes the secret', () => {
    const base = Array<number>(20).fill(0)
    const baseSecret = generateTokenSecret(fixed(base))
    const seen = new Set<string>([baseSecret])
    for (let bit = 0; bit < 160; bit++) {
      const bytes = [...base]
      bytes[Math.floor(bit / 8)] = 1 << (7 - (bit % 8))
      const secret = generateTokenSecret(fixed(bytes))
      assert.notEqual(secret, baseSecret, `bit ${String(bit)} ignored`)
      seen.add(secret)
    }
    assert.equal(seen.size, 161)
  })

  it('uses every character of the alphabet', () => {
    // 20 bytes counting 0..31 in 5-bit groups: 32 groups, one of each value.
    let bits = 0n
    for (let i = 0n; i < 32n; i++) bits = (bits << 5n) | i
    const bytes = [...Array<number>(20).keys()].map((i) =>
      Number((bits >> BigInt((19 - i) * 8)) & 0xffn),
    )
    assert.equal(generateTokenSecret(fixed(bytes)), 'abcdefghijklmnopqrstuvwxyz234567')
  })
})
