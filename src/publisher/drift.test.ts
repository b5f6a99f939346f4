import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import { diffZone, managedKeys } from './drift.ts'

const ZONE = 'dyn.example' as Fqdn
const HOME = 'home.dyn.example' as Fqdn
const GONE = 'gone.dyn.example' as Fqdn

function rr(name: string, type: RecordSet['type'], ...values: string[]): RecordSet {
  return { name: name as Fqdn, type, ttl: 60, values }
}

describe('diffZone', () => {
  const managed = managedKeys([HOME, GONE], [])

  it('finds nothing when the backend holds what the store wants, in any spelling', () => {
    const desired = [rr(HOME, 'AAAA', '2001:db8::10'), rr(HOME, 'A', '192.0.2.1', '192.0.2.2')]
    const held = [
      rr('HOME.dyn.example', 'AAAA', '2001:DB8:0:0::10'),
      rr(HOME, 'A', '192.0.2.2', '192.0.2.1'),
    ]
    const r = diffZone(ZONE, 9, desired, held, managed)
    assert.deepEqual(r.drift, [])
    assert.deepEqual(r.change, { zone: ZONE, serial: 9, replace: [], remove: [] })
  })

  it('replaces missing and different RRsets and removes extra managed ones', () => {
    const desired = [rr(HOME, 'A', '192.0.2.7'), rr(`_acme-challenge.${HOME}`, 'TXT', '"tok"')]
    const held = [
      rr(HOME, 'A', '192.0.2.1'),
      rr(HOME, 'AAAA', '2001:db8::1'),
      rr(GONE, 'A', '192.0.2.9'),
    ]
    const r = diffZone(ZONE, 10, desired, held, managed)
    assert.deepEqual(
      r.drift.map((d) => `${d.name} ${d.type} ${d.kind}`),
      [
        'home.dyn.example A different',
        '_acme-challenge.home.dyn.example TXT missing',
        'home.dyn.example AAAA extra',
        'gone.dyn.example A extra',
      ],
    )
    assert.deepEqual(r.change.replace, desired)
    assert.deepEqual(r.change.remove, [
      { name: HOME, type: 'AAAA' },
      { name: GONE, type: 'A' },
    ])
  })

  it('treats a TTL change as drift', () => {
    const r = diffZone(
      ZONE,
      1,
      [rr(HOME, 'A', '192.0.2.1')],
      [{ ...rr(HOME, 'A', '192.0.2.1'), ttl: 300 }],
      managed,
    )
    assert.equal(r.drift[0]?.kind, 'different')
  })

  it('never touches what dynzone does not manage', () => {
    const held = [
      rr(ZONE, 'NS', 'ns1.dyn.example'),
      rr('ns1.dyn.example', 'A', '192.0.2.53'),
      rr(HOME, 'MX', '10 mail.example'),
      rr('other.dyn.example', 'A', '192.0.2.99'),
    ]
    const r = diffZone(ZONE, 1, [], held, managed)
    assert.deepEqual(r.drift, [])
    assert.deepEqual(r.change.remove, [])
  })
})
