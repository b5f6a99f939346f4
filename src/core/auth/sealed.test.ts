import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createSealer } from './sealed.ts'
import { Secret } from './secret.ts'

const PEPPER = new Secret('a test pepper of at least 32 characters')

describe('createSealer', () => {
  const sealer = createSealer(PEPPER, 'second-factor')

  it('opens what it sealed, for the same context only', () => {
    const sealed = sealer.seal('JBSWY3DPEHPK3PXP', 'totp:7')
    assert.ok(!sealed.includes('JBSWY3DPEHPK3PXP'))
    assert.notEqual(sealer.seal('JBSWY3DPEHPK3PXP', 'totp:7'), sealed, 'a fresh IV each time')
    assert.equal(sealer.open(sealed, 'totp:7'), 'JBSWY3DPEHPK3PXP')
    assert.equal(sealer.open(sealed, 'totp:8'), undefined)
    assert.equal(createSealer(PEPPER, 'other').open(sealed, 'totp:7'), undefined)
    const otherPepper = createSealer(
      new Secret('another pepper of at least 32 chars'),
      'second-factor',
    )
    assert.equal(otherPepper.open(sealed, 'totp:7'), undefined)
  })

  it('refuses altered or malformed values', () => {
    const sealed = sealer.seal('secret', 'c')
    const last = sealed.at(-2) === 'A' ? 'B' : 'A'
    for (const bad of [
      `${sealed.slice(0, -2)}${last}${sealed.at(-1) ?? ''}`,
      sealed.replace(/^v1/, 'v2'),
      'v1.AAAA',
      'v1.AAAA.AAAA',
      '',
    ]) {
      assert.equal(sealer.open(bad, 'c'), undefined, bad)
    }
  })
})
