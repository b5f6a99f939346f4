import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddressWish } from '../../core/update/update-intent.ts'
import { addressWishes } from './addresses.ts'

const KEEP: AddressWish = { kind: 'keep' }
const AUTO: AddressWish = { kind: 'auto' }
const DELETE: AddressWish = { kind: 'delete' }
const V4: AddressWish = { kind: 'set', address: { family: 4, text: '203.0.113.10' } }
const V6: AddressWish = { kind: 'set', address: { family: 6, text: '2001:db8::10' } }

const p = (entries: Record<string, string>): ReadonlyMap<string, string> =>
  new Map(Object.entries(entries))

describe('addressWishes', () => {
  const table: [string, Record<string, string>, AddressWish, AddressWish][] = [
    ['no address parameter: source address', {}, AUTO, AUTO],
    ['empty myip: source address', { myip: '' }, AUTO, AUTO],
    ['blank myip: source address', { myip: ' ' }, AUTO, AUTO],
    ['only commas: source address', { myip: ',' }, AUTO, AUTO],
    ['myip v4 keeps v6', { myip: '203.0.113.10' }, V4, KEEP],
    ['myip v6 keeps v4', { myip: '2001:db8::10' }, KEEP, V6],
    ['myip v6 made canonical', { myip: '2001:DB8:0:0::10' }, KEEP, V6],
    ['myip v4,v6', { myip: '203.0.113.10,2001:db8::10' }, V4, V6],
    ['myip v6,v4', { myip: '2001:db8::10,203.0.113.10' }, V4, V6],
    ['myip with spaces', { myip: ' 203.0.113.10 , 2001:db8::10 ' }, V4, V6],
    ['myip with an empty member after', { myip: '203.0.113.10,' }, V4, KEEP],
    ['myip with an empty member before', { myip: ',2001:db8::10' }, KEEP, V6],
    ['percent-decoded v6', { myip: decodeURIComponent('2001%3adb8%3a%3a10') }, KEEP, V6],
    [
      'percent-decoded list',
      { myip: decodeURIComponent('203.0.113.10%2C2001%3Adb8%3A%3A10') },
      V4,
      V6,
    ],
    ['IPv4-mapped v6 is v4', { myip: '::ffff:203.0.113.10' }, V4, KEEP],
    ['myipv6', { myipv6: '2001:db8::10' }, KEEP, V6],
    ['myip6', { myip6: '2001:db8::10' }, KEEP, V6],
    ['ipv6', { ipv6: '2001:db8::10' }, KEEP, V6],
    ['ip6', { ip6: '2001:db8::10' }, KEEP, V6],
    ['ipv4', { ipv4: '203.0.113.10' }, V4, KEEP],
    ['ip4', { ip4: '203.0.113.10' }, V4, KEEP],
    ['ip', { ip: '203.0.113.10' }, V4, KEEP],
    ['myip v4 with myipv6', { myip: '203.0.113.10', myipv6: '2001:db8::10' }, V4, V6],
    ['ipv4 with ipv6', { ipv4: '203.0.113.10', ipv6: '2001:db8::10' }, V4, V6],
    ['the same v4 twice', { myip: '203.0.113.10', ip: '203.0.113.10' }, V4, KEEP],
    ['empty myipv6 beside myip v4', { myip: '203.0.113.10', myipv6: '' }, V4, KEEP],
    ['offline=YES deletes both', { offline: 'YES' }, DELETE, DELETE],
    [
      'offline=yes deletes both, whatever myip says',
      { offline: 'yes', myip: '203.0.113.10' },
      DELETE,
      DELETE,
    ],
    ['offline=NO is an update', { offline: 'NO', myip: '203.0.113.10' }, V4, KEEP],
    ['0.0.0.0 deletes A', { myip: '0.0.0.0' }, DELETE, KEEP],
    [':: deletes AAAA', { myip: '::' }, KEEP, DELETE],
    ['0.0.0.0,:: deletes both', { myip: '0.0.0.0,::' }, DELETE, DELETE],
    ['ipv6=:: beside v4', { myip: '203.0.113.10', ipv6: '::' }, V4, DELETE],
    [
      'unknown parameters ignored',
      { wildcard: 'NOCHG', mx: 'mx.example', backmx: 'NO', myip: '203.0.113.10' },
      V4,
      KEEP,
    ],
  ]
  for (const [name, params, ipv4, ipv6] of table) {
    it(name, () => {
      assert.deepEqual(addressWishes(p(params)), { ok: true, value: { ipv4, ipv6 } })
    })
  }

  const PREFIX = { kind: 'set', prefix: { family: 6, text: '2001:db8:1:2::' }, length: 64 }
  const prefixes: [string, Record<string, string>, AddressWish, AddressWish][] = [
    ['a v6 prefix in myip', { myip: '2001:db8:1:2::/64' }, KEEP, KEEP],
    ['a prefix in myipv6', { myipv6: '2001:db8:1:2::/64' }, KEEP, KEEP],
    [
      'Fritz!Box myip and ip6lanprefix',
      { myip: '203.0.113.10', ip6lanprefix: '2001:db8:1:2::/64' },
      V4,
      KEEP,
    ],
    [
      'ipv6prefix beside myip v4,v6',
      { myip: '203.0.113.10,2001:db8::10', ipv6prefix: '2001:db8:1:2::/64' },
      V4,
      V6,
    ],
  ]
  for (const [name, params, ipv4, ipv6] of prefixes) {
    it(`reads ${name} as a prefix wish`, () => {
      assert.deepEqual(addressWishes(p(params)), {
        ok: true,
        value: { ipv4, ipv6, ipv6prefix: PREFIX },
      })
    })
  }

  const refused: [string, Record<string, string>][] = [
    ['a v4 prefix', { myip: '203.0.113.0/24' }],
    ['a v6 prefix too long for a group', { myip: '2001:db8::/128' }],
    ['two different prefixes', { myip: '2001:db8:1:2::/64', ip6lanprefix: '2001:db8:9::/64' }],
    ['a bare address as ip6lanprefix', { ip6lanprefix: '2001:db8:1:2::' }],
    ['two v4 addresses in myip', { myip: '203.0.113.10,198.51.100.1' }],
    ['two v4 addresses in two parameters', { myip: '203.0.113.10', ipv4: '198.51.100.1' }],
    ['two v6 addresses', { myip: '2001:db8::10', myipv6: '2001:db8::11' }],
    ['junk', { myip: 'junk' }],
    ['a host name', { myip: 'home.example.com' }],
    ['leading zeros', { myip: '203.0.113.010' }],
    ['junk after a good address', { myip: '203.0.113.10,junk' }],
    ['junk in ip', { ip: '1.2.3' }],
  ]
  for (const [name, params] of refused) {
    it(`refuses ${name} as badip`, () => {
      const r = addressWishes(p(params))
      assert.equal(r.ok, false)
      assert.equal(r.error.code, 'badip')
    })
  }
})
