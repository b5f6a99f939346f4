import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../names.ts'
import type { HostRecord, HostWrite } from '../ports.ts'
import { hostRrsets, hostTtl, txtChange } from './host-rrsets.ts'

const ZONE_TTL = 60
const HOST: HostRecord = {
  id: 1,
  zone: 'dyn.example.test' as Fqdn,
  label: 'home',
  fqdn: 'home.dyn.example.test' as Fqdn,
  ownerId: 1,
  ttl: null,
  ipv4: '192.0.2.1',
  ipv6: null,
}
const txt = (...values: string[]) =>
  values.map((value) => ({ value, expiresAt: '2030-01-01T00:00:00.000Z' }))

// Each row: the write, whether the stored TXT set changed, and the RRsets as zone-file lines
// (`-` in front: removed).
const table: [string, HostWrite, boolean, string[]][] = [
  ['nothing changed', { host: HOST, ipv4: '192.0.2.1', ipv6: null }, false, []],
  [
    'a new IPv4 writes A and removes the absent AAAA, at the zone TTL',
    { host: HOST, ipv4: '192.0.2.2', ipv6: null },
    false,
    ['home.dyn.example.test. 60 A 192.0.2.2', '-home.dyn.example.test. AAAA'],
  ],
  [
    'the host TTL wins over the zone TTL',
    { host: { ...HOST, ttl: 300 }, ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
    false,
    ['home.dyn.example.test. 300 A 192.0.2.1', 'home.dyn.example.test. 300 AAAA 2001:db8::1'],
  ],
  [
    'a TTL of 0 is the host’s, not the fallback',
    { host: { ...HOST, ttl: 0 }, ipv4: '192.0.2.9', ipv6: null },
    false,
    ['home.dyn.example.test. 0 A 192.0.2.9', '-home.dyn.example.test. AAAA'],
  ],
  [
    'both addresses cleared remove both RRsets',
    { host: { ...HOST, ipv6: '2001:db8::1' }, ipv4: null, ipv6: null },
    false,
    ['-home.dyn.example.test. A', '-home.dyn.example.test. AAAA'],
  ],
  [
    'changed TXT values replace the ACME RRset, quoted',
    { host: HOST, ipv4: '192.0.2.1', ipv6: null, txt: txt('tok-1', 'a"b') },
    true,
    ['_acme-challenge.home.dyn.example.test. 60 TXT "tok-1" "a\\"b"'],
  ],
  [
    'a renewed expiry (TXT set unchanged) changes no RRset',
    { host: HOST, ipv4: '192.0.2.1', ipv6: null, txt: txt('tok-1') },
    false,
    [],
  ],
  [
    'no TXT values left remove the ACME RRset',
    { host: { ...HOST, ttl: 120 }, ipv4: '192.0.2.3', ipv6: null, txt: [] },
    true,
    [
      'home.dyn.example.test. 120 A 192.0.2.3',
      '-home.dyn.example.test. AAAA',
      '-_acme-challenge.home.dyn.example.test. TXT',
    ],
  ],
]

describe('hostRrsets', () => {
  for (const [name, write, txtChanged, want] of table) {
    it(name, () => {
      const edits = hostRrsets(write, ZONE_TTL, txtChanged)
      const lines = [
        ...edits.replace.map((r) => `${r.name}. ${String(r.ttl)} ${r.type} ${r.values.join(' ')}`),
        ...edits.remove.map((r) => `-${r.name}. ${r.type}`),
      ]
      assert.deepEqual(lines, want)
    })
  }
})

describe('hostTtl', () => {
  it('is the host’s when set (0 included), else the zone’s', () => {
    assert.equal(hostTtl(null, 60), 60)
    assert.equal(hostTtl(300, 60), 300)
    assert.equal(hostTtl(0, 60), 0)
  })
})

describe('txtChange', () => {
  it('removes the RRset when no value is left', () => {
    assert.deepEqual(txtChange('h.example.test' as Fqdn, 60, []), {
      remove: { name: '_acme-challenge.h.example.test', type: 'TXT' },
    })
  })
})
