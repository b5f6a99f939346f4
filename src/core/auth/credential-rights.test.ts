import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCidr, type Cidr } from '../addresses/addresses.ts'
import { narrower, PASSWORD_RIGHTS, type CredentialRights } from './credential-rights.ts'

const cidr = (t: string): Cidr => {
  const c = parseCidr(t)
  assert.ok(c.ok)
  return c.value
}
const JAN = new Date('2030-01-01T00:00:00Z')
const FEB = new Date('2030-02-01T00:00:00Z')
// The token of the report: one host, type A, from 198.51.100.0/24.
const LIMITED: CredentialRights = {
  scope: 'all',
  hostIds: [1],
  recordTypes: ['A'],
  sources: [cidr('198.51.100.0/24')],
  expiresAt: FEB,
}

describe('narrower: a credential mints only subsets of itself', () => {
  const table: [string, CredentialRights, CredentialRights, RegExp | undefined][] = [
    ['the same rights', LIMITED, LIMITED, undefined],
    [
      'an ACME token of a type-A token',
      { ...LIMITED, scope: 'acme', recordTypes: ['TXT'] },
      LIMITED,
      /TXT/,
    ],
    ['no source limit', { ...LIMITED, sources: undefined as never }, LIMITED, /source/],
    ['a wider range', { ...LIMITED, sources: [cidr('198.51.0.0/16')] }, LIMITED, /source/],
    ['a narrower range', { ...LIMITED, sources: [cidr('198.51.100.8/29')] }, LIMITED, undefined],
    ['a range elsewhere', { ...LIMITED, sources: [cidr('203.0.113.0/24')] }, LIMITED, /source/],
    ['another host', { ...LIMITED, hostIds: [1, 3] }, LIMITED, /hosts/],
    ['no host limit', { scope: 'address' }, { scope: 'all', hostIds: [1, 2] }, /hosts/],
    ['no expiry', { scope: 'all' }, { scope: 'all', expiresAt: FEB }, /expire/],
    [
      'a later expiry',
      { scope: 'all', expiresAt: FEB },
      { scope: 'all', expiresAt: JAN },
      /expire/,
    ],
    [
      'an earlier expiry',
      { scope: 'all', expiresAt: JAN },
      { scope: 'all', expiresAt: FEB },
      undefined,
    ],
    [
      'acme from all',
      { scope: 'acme', hostIds: [2] },
      { scope: 'all', hostIds: [1, 2] },
      undefined,
    ],
    ['api from all', { scope: 'api' }, { scope: 'all' }, /scope/],
    ['all from api', { scope: 'all' }, { scope: 'api' }, undefined],
    ['address from acme', { scope: 'address' }, { scope: 'acme' }, /scope/],
    [
      'a password from a limited token',
      PASSWORD_RIGHTS,
      { scope: 'api', sources: [cidr('::1')] },
      /source/,
    ],
    ['a password from an unlimited api token', PASSWORD_RIGHTS, { scope: 'api' }, undefined],
  ]
  for (const [what, child, parent, refused] of table) {
    it(what, () => {
      const r = narrower(child, parent)
      if (refused === undefined) assert.ok(r.ok, r.ok ? '' : r.error)
      else assert.match(r.ok ? 'allowed' : r.error, refused)
    })
  }
})
