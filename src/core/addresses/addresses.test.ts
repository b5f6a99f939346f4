import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCidr, parseIp, parseIpOf, type IpAddress } from './addresses.ts'

const v4 = (text: string): IpAddress => ({ family: 4, text })
const v6 = (text: string): IpAddress => ({ family: 6, text })

describe('parseIp', () => {
  const accepted: [string, IpAddress][] = [
    ['203.0.113.10', v4('203.0.113.10')],
    [' 203.0.113.10\n', v4('203.0.113.10')],
    ['0.0.0.0', v4('0.0.0.0')],
    ['255.255.255.255', v4('255.255.255.255')],
    ['10.0.0.0', v4('10.0.0.0')],
    // IPv4-mapped IPv6 is the IPv4 address.
    ['::ffff:192.0.2.1', v4('192.0.2.1')],
    ['::FFFF:c000:0201', v4('192.0.2.1')],
    // RFC 5952 canonical text.
    ['2001:DB8::1', v6('2001:db8::1')],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', v6('2001:db8::1')],
    ['2001:db8:0:0:1:0:0:1', v6('2001:db8::1:0:0:1')],
    ['2001:db8:0:1:1:1:1:1', v6('2001:db8:0:1:1:1:1:1')],
    ['2001:db8::0:1', v6('2001:db8::1')],
    ['2001:db8:0:0:0:0:2:1', v6('2001:db8::2:1')],
    ['2001:db8::1.2.3.4', v6('2001:db8::102:304')],
    ['::', v6('::')],
    ['::1', v6('::1')],
    ['fe80::1', v6('fe80::1')],
  ]
  for (const [input, expected] of accepted) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseIp(input), { ok: true, value: expected })
    })
  }

  const refused: string[] = [
    '',
    'junk',
    '01.2.3.4',
    '1.2.3.010',
    '1.2.3.04',
    '1.2.3',
    '127.1',
    '1.2.3.4.5',
    '256.1.1.1',
    '0x7f.0.0.1',
    '1.2.3.4 5',
    '1.2.3.4/32',
    '\u0967.\u0968.\u0969.\u096a',
    '::ffff:192.0.2.010',
    '::ffff:0xc0.0.2.1',
    '2001:db8::g',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '2001:db8::1/64',
    '[2001:db8::1]',
    'fe80::1%eth0',
  ]
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const r = parseIp(input)
      assert.equal(r.ok, false)
      assert.equal(r.error.code, 'badip')
    })
  }
})

describe('parseIpOf', () => {
  it('keeps the right family', () => {
    assert.deepEqual(parseIpOf('192.0.2.1', 4), { ok: true, value: v4('192.0.2.1') })
    assert.deepEqual(parseIpOf('2001:db8::1', 6), { ok: true, value: v6('2001:db8::1') })
  })
  it('refuses the other family', () => {
    assert.equal(parseIpOf('192.0.2.1', 6).ok, false)
    assert.equal(parseIpOf('2001:db8::1', 4).ok, false)
    assert.equal(parseIpOf('::ffff:192.0.2.1', 6).ok, false)
  })
})

describe('parseCidr', () => {
  const table: [string, string, IpAddress[], IpAddress[]][] = [
    [
      '10.0.0.0/8',
      '10.0.0.0/8',
      [v4('10.0.0.1'), v4('10.255.255.255')],
      [v4('11.0.0.0'), v6('::a00:1')],
    ],
    ['192.0.2.1', '192.0.2.1/32', [v4('192.0.2.1')], [v4('192.0.2.2')]],
    ['0.0.0.0/0', '0.0.0.0/0', [v4('1.2.3.4')], [v6('2001:db8::1')]],
    [
      '2001:db8::/32',
      '2001:db8::/32',
      [v6('2001:db8:ffff::1')],
      [v6('2001:db9::1'), v4('32.1.13.184')],
    ],
    ['::1', '::1/128', [v6('::1')], [v6('::2')]],
    ['::/0', '::/0', [v6('2001:db8::1')], [v4('1.2.3.4')]],
    // Mapped ranges match the IPv4 addresses parseIp produces.
    ['::ffff:10.0.0.0/104', '10.0.0.0/8', [v4('10.9.8.7')], [v4('11.0.0.1')]],
    ['::ffff:127.0.0.1', '127.0.0.1/32', [v4('127.0.0.1')], [v4('127.0.0.2')]],
  ]
  for (const [input, text, inside, outside] of table) {
    it(`${input} is ${text}`, () => {
      const r = parseCidr(input)
      assert.ok(r.ok)
      assert.equal(r.value.text, text)
      for (const a of inside) assert.equal(r.value.contains(a), true, `${a.text} inside`)
      for (const a of outside) assert.equal(r.value.contains(a), false, `${a.text} outside`)
    })
  }

  for (const input of ['', 'junk', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '/8']) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const r = parseCidr(input)
      assert.equal(r.ok, false)
      assert.equal(r.error.code, 'badip')
    })
  }
})
