import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCidr, type Cidr } from '../core/addresses.ts'
import { clientAddress } from './client-ip.ts'

function cidrs(...texts: string[]): Cidr[] {
  return texts.map((t) => {
    const r = parseCidr(t)
    assert.ok(r.ok, t)
    return r.value
  })
}

const TRUSTED = cidrs('10.0.0.0/8', '127.0.0.1', '2001:db8:ffff::/48')
type Headers = Record<string, string | string[] | undefined>

describe('clientAddress', () => {
  const table: [string, string | undefined, Headers, string][] = [
    ['no proxy, no headers', '203.0.113.5', {}, '203.0.113.5'],
    [
      'untrusted peer: X-Forwarded-For ignored',
      '203.0.113.5',
      { 'x-forwarded-for': '198.51.100.1' },
      '203.0.113.5',
    ],
    [
      'untrusted peer: Forwarded ignored',
      '203.0.113.5',
      { forwarded: 'for=198.51.100.1' },
      '203.0.113.5',
    ],
    ['trusted peer without headers', '10.0.0.2', {}, '10.0.0.2'],
    ['trusted peer: XFF hop', '10.0.0.2', { 'x-forwarded-for': '198.51.100.1' }, '198.51.100.1'],
    [
      'rightmost untrusted hop, not a spoofed leftmost',
      '10.0.0.2',
      { 'x-forwarded-for': '1.1.1.1, 198.51.100.1' },
      '198.51.100.1',
    ],
    [
      'chain of trusted proxies',
      '10.0.0.2',
      { 'x-forwarded-for': '198.51.100.1, 10.0.0.3, 127.0.0.1' },
      '198.51.100.1',
    ],
    [
      'every hop trusted: the socket address',
      '10.0.0.2',
      { 'x-forwarded-for': '10.0.0.4, 10.0.0.3' },
      '10.0.0.2',
    ],
    [
      'header given twice',
      '10.0.0.2',
      { 'x-forwarded-for': ['1.1.1.1', '198.51.100.1'] },
      '198.51.100.1',
    ],
    [
      'garbage left of the client hop is not read',
      '10.0.0.2',
      { 'x-forwarded-for': 'garbage, 198.51.100.1' },
      '198.51.100.1',
    ],
    [
      'garbage hop: the socket address',
      '10.0.0.2',
      { 'x-forwarded-for': '198.51.100.1, garbage' },
      '10.0.0.2',
    ],
    [
      'hop with a port: the socket address',
      '10.0.0.2',
      { 'x-forwarded-for': '198.51.100.1:4711' },
      '10.0.0.2',
    ],
    [
      'hop with leading zeros: the socket address',
      '10.0.0.2',
      { 'x-forwarded-for': '198.51.100.010' },
      '10.0.0.2',
    ],
    ['empty XFF', '10.0.0.2', { 'x-forwarded-for': '' }, '10.0.0.2'],
    ['v6 hop made canonical', '10.0.0.2', { 'x-forwarded-for': '2001:DB8:0::5' }, '2001:db8::5'],
    ['trusted v6 peer', '2001:db8:ffff::1', { 'x-forwarded-for': '203.0.113.9' }, '203.0.113.9'],
    [
      'dual-stack socket: mapped peer is IPv4',
      '::ffff:10.0.0.2',
      { 'x-forwarded-for': '198.51.100.1' },
      '198.51.100.1',
    ],
    [
      'mapped untrusted peer',
      '::ffff:203.0.113.5',
      { 'x-forwarded-for': '198.51.100.1' },
      '203.0.113.5',
    ],
    ['no peer at all', undefined, { 'x-forwarded-for': '198.51.100.1' }, '0.0.0.0'],
    ['Forwarded for=', '10.0.0.2', { forwarded: 'for=198.51.100.1' }, '198.51.100.1'],
    [
      'Forwarded with quotes and port',
      '10.0.0.2',
      { forwarded: 'for="198.51.100.1:8080";proto=https' },
      '198.51.100.1',
    ],
    [
      'Forwarded [v6] with port',
      '10.0.0.2',
      { forwarded: 'for="[2001:db8::1]:4711"' },
      '2001:db8::1',
    ],
    [
      'Forwarded [v6] without port',
      '10.0.0.2',
      { forwarded: 'for="[2001:DB8::1]"' },
      '2001:db8::1',
    ],
    [
      'Forwarded, for= not first',
      '10.0.0.2',
      { forwarded: 'proto=https;For=198.51.100.1;by=10.0.0.2' },
      '198.51.100.1',
    ],
    [
      'Forwarded chain',
      '10.0.0.2',
      { forwarded: 'for=1.1.1.1, for=198.51.100.1, for=10.0.0.3' },
      '198.51.100.1',
    ],
    ['Forwarded obfuscated node', '10.0.0.2', { forwarded: 'for=_hidden' }, '10.0.0.2'],
    ['Forwarded unknown', '10.0.0.2', { forwarded: 'for=unknown' }, '10.0.0.2'],
    [
      'Forwarded wins over XFF',
      '10.0.0.2',
      { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '192.0.2.9' },
      '198.51.100.1',
    ],
  ]
  for (const [name, peer, headers, expected] of table) {
    it(name, () => {
      assert.equal(clientAddress(peer, headers, TRUSTED).text, expected)
    })
  }

  it('reports the family', () => {
    assert.deepEqual(clientAddress('10.0.0.2', { 'x-forwarded-for': '2001:db8::5' }, TRUSTED), {
      family: 6,
      text: '2001:db8::5',
    })
  })

  it('trusts nobody without trusted proxies', () => {
    assert.equal(
      clientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, []).text,
      '127.0.0.1',
    )
  })
})
