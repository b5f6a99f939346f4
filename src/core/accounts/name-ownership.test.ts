import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../names.ts'
import {
  ClaimIndex,
  claims,
  namesAbove,
  ownershipConflict,
  type NameClaim,
} from './name-ownership.ts'

const ZONE = 'dyn.example.test' as Fqdn
const at = (label: string, owner: string): NameClaim => ({
  fqdn: (label === '@' ? ZONE : `${label}.${ZONE}`) as Fqdn,
  zone: ZONE,
  owner,
})
const name = (label: string): Fqdn => (label === '@' ? ZONE : `${label}.${ZONE}`) as Fqdn
const HOSTS = [at('bob1', 'bob'), at('@', 'root'), at('x.carol', 'carol')]

describe('name ownership', () => {
  it('a host owns its name and every name below it; an apex host its ACME name only', () => {
    const table: [NameClaim, string, boolean][] = [
      [at('bob1', 'bob'), 'bob1', true],
      [at('bob1', 'bob'), 'sub.bob1', true],
      [at('bob1', 'bob'), 'a.b.bob1', true],
      [at('bob1', 'bob'), '_acme-challenge.bob1', true],
      [at('bob1', 'bob'), 'xbob1', false],
      [at('bob1', 'bob'), 'bob10', false],
      [at('@', 'root'), '@', true],
      [at('@', 'root'), '_acme-challenge', true],
      [at('@', 'root'), 'alice', false],
    ]
    for (const [host, label, owned] of table) {
      assert.equal(claims(host, name(label)), owned, `${host.fqdn} owns ${label}`)
    }
  })

  it('refuses another user a name at, below or above a host; allows the owner', () => {
    const table: [string, string, string | undefined][] = [
      ['sub.bob1', 'alice', name('bob1')],
      ['a.b.bob1', 'alice', name('bob1')],
      ['_acme-challenge.bob1', 'alice', name('bob1')],
      ['sub.bob1', 'bob', undefined],
      ['carol', 'alice', name('x.carol')],
      ['carol', 'carol', undefined],
      ['bob10', 'alice', undefined],
      ['alice', 'alice', undefined],
      ['_acme-challenge', 'alice', ZONE],
      ['_acme-challenge.alice', 'alice', undefined],
    ]
    const index = new ClaimIndex()
    for (const h of HOSTS) index.add(h)
    for (const [label, owner, conflict] of table) {
      const direct = ownershipConflict(name(label), ZONE, owner, HOSTS)
      assert.equal(direct?.fqdn, conflict, `${owner} at ${label}`)
      assert.equal(index.conflict(name(label), ZONE, owner)?.fqdn, conflict, `index: ${label}`)
    }
  })

  it('lists the names above a name up to the apex', () => {
    assert.deepEqual(namesAbove(name('a.b'), ZONE), [name('a.b'), name('b'), ZONE])
    assert.deepEqual(namesAbove(ZONE, ZONE), [ZONE])
  })
})
