import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ipaddr from 'ipaddr.js'
import { parseIp, type IpAddress } from './addresses.ts'
import { SPECIAL_RANGES, specialUse } from './special-ranges.ts'

function ip(text: string): IpAddress {
  const r = parseIp(text)
  assert.ok(r.ok)
  return r.value
}

describe('specialUse', () => {
  const table: [string, string | undefined][] = [
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', undefined],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT shared'],
    ['100.128.0.1', undefined],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.10', 'link-local'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.1', 'documentation'],
    ['0.0.0.1', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['8.8.8.8', undefined],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'unique local'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['ff02::1', 'multicast'],
    ['2a00:1450:4001::1', undefined],
    ['192.88.99.1', '6to4 relay anycast'],
    ['100::1', 'discard-only'],
    ['fec0::1', 'site-local'],
    // IPv6 that carries an IPv4 address is judged by that address.
    ['64:ff9b::10.0.0.1', 'private (NAT64 of 10.0.0.1)'],
    ['64:ff9b::127.0.0.5', 'loopback (NAT64 of 127.0.0.5)'],
    ['64:ff9b::93.184.216.34', undefined],
    ['2002:a00:1::1', 'private (6to4 of 10.0.0.1)'],
    ['2002:c0a8:101::', 'private (6to4 of 192.168.1.1)'],
    ['2002:5db8:d822::1', undefined],
    // Meaningful only inside one translator or network: refused whatever they carry.
    ['64:ff9b:1::5db8:d822', 'local-use NAT64'],
    ['::ffff:0:93.184.216.34', 'IPv4-translated'],
    ['::5db8:d822', 'IPv4-compatible (deprecated)'],
    ['::', 'unspecified'],
    // IPv4-mapped text is read as the IPv4 it maps (addresses.ts).
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:93.184.216.34', undefined],
  ]
  for (const [text, kind] of table) {
    it(`${text} → ${kind ?? 'public'}`, () => {
      assert.equal(specialUse(ip(text)), kind)
    })
  }
})

describe('SPECIAL_RANGES', () => {
  it('cites an RFC for every range, and every range parses', () => {
    for (const r of SPECIAL_RANGES) {
      assert.match(r.rfc, /RFC \d+/, r.range)
      assert.ok(ipaddr.isValidCIDR(r.range), r.range)
    }
  })

  it('judges an IPv4-mapped address held as IPv6 by the IPv4 it maps', () => {
    assert.equal(
      specialUse({ family: 6, text: '::ffff:a00:1' }),
      'private (IPv4-mapped of 10.0.0.1)',
    )
    assert.equal(specialUse({ family: 6, text: '::ffff:5db8:d822' }), undefined)
  })
})
