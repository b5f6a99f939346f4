import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClientIp, MAX_PEERS, type ProxyHeader } from './client-ip.ts'

const TRUSTED = ['10.0.0.0/8', '127.0.0.1/32', '2001:db8:ffff::/48']
type Headers = Record<string, string | string[] | undefined>

function resolve(
  peer: string | undefined,
  headers: Headers,
  header: ProxyHeader = 'X-Forwarded-For',
  trusted: readonly string[] = TRUSTED,
): string {
  return createClientIp({ header, trusted })({ socket: { remoteAddress: peer }, headers }).text
}

describe('createClientIp', () => {
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
      'every hop trusted: the leftmost, vouched for by all',
      '10.0.0.2',
      { 'x-forwarded-for': '10.0.0.4, 10.0.0.3' },
      '10.0.0.4',
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
  ]
  for (const [name, peer, headers, expected] of table) {
    it(name, () => {
      assert.equal(resolve(peer, headers), expected)
    })
  }

  const forwarded: [string, Headers, string][] = [
    ['for=', { forwarded: 'for=198.51.100.1' }, '198.51.100.1'],
    ['quotes and port', { forwarded: 'for="198.51.100.1:8080";proto=https' }, '198.51.100.1'],
    ['[v6] with port', { forwarded: 'for="[2001:db8::1]:4711"' }, '2001:db8::1'],
    ['[v6] without port', { forwarded: 'for="[2001:DB8::1]"' }, '2001:db8::1'],
    ['for= not first', { forwarded: 'proto=https;For=198.51.100.1;by=10.0.0.2' }, '198.51.100.1'],
    ['chain', { forwarded: 'for=1.1.1.1, for=198.51.100.1, for=10.0.0.3' }, '198.51.100.1'],
    ['obfuscated node', { forwarded: 'for=_hidden' }, '10.0.0.2'],
    ['unknown', { forwarded: 'for=unknown' }, '10.0.0.2'],
    // A proxy's element without for= cannot vouch for what is left of it.
    ['element without for=', { forwarded: 'for=198.51.100.1, by=10.0.0.3' }, '10.0.0.2'],
    ['X-Forwarded-For not read', { 'x-forwarded-for': '192.0.2.9' }, '10.0.0.2'],
    [
      'only Forwarded read, X-Forwarded-For beside it ignored',
      { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '192.0.2.9' },
      '198.51.100.1',
    ],
  ]
  for (const [name, headers, expected] of forwarded) {
    it(`proxy_header = Forwarded: ${name}`, () => {
      assert.equal(resolve('10.0.0.2', headers, 'Forwarded'), expected)
    })
  }

  const realIp: [string, Headers, string][] = [
    ['the one hop', { 'x-real-ip': '198.51.100.1' }, '198.51.100.1'],
    ['garbage', { 'x-real-ip': 'nope' }, '10.0.0.2'],
    ['X-Forwarded-For not read', { 'x-forwarded-for': '192.0.2.9' }, '10.0.0.2'],
    ['Forwarded not read', { forwarded: 'for=192.0.2.9' }, '10.0.0.2'],
  ]
  for (const [name, headers, expected] of realIp) {
    it(`proxy_header = X-Real-IP: ${name}`, () => {
      assert.equal(resolve('10.0.0.2', headers, 'X-Real-IP'), expected)
    })
  }

  // nginx with `proxy_add_x_forwarded_for` appends the peer to X-Forwarded-For and passes a
  // client's own Forwarded header through untouched.
  it('a client-sent Forwarded does not win over the proxy-appended X-Forwarded-For', () => {
    const headers = { forwarded: 'for=127.0.0.5', 'x-forwarded-for': '198.51.100.7' }
    assert.equal(resolve('127.0.0.1', headers), '198.51.100.7')
  })

  it('reports the family', () => {
    const ip = createClientIp({ header: 'X-Forwarded-For', trusted: TRUSTED })
    assert.deepEqual(
      ip({ socket: { remoteAddress: '10.0.0.2' }, headers: { 'x-forwarded-for': '2001:db8::5' } }),
      { family: 6, text: '2001:db8::5' },
    )
  })

  it('trusts nobody without trusted proxies', () => {
    assert.equal(
      resolve('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, 'X-Forwarded-For', []),
      '127.0.0.1',
    )
  })
})

describe('untrusted proxy on this host', () => {
  function watch(trusted: readonly string[]): {
    seen: string[]
    send: (peer: string, headers: Headers) => void
    clock: { ms: number }
  } {
    const seen: string[] = []
    const clock = { ms: 0 }
    const ip = createClientIp({
      header: 'X-Forwarded-For',
      trusted,
      onUntrustedProxy: (peer, header) => seen.push(`${peer} ${header}`),
      now: () => clock.ms,
    })
    return {
      seen,
      clock,
      send: (peer, headers) => void ip({ socket: { remoteAddress: peer }, headers }),
    }
  }

  it('is reported for each forwarding header from loopback, at most once an hour', () => {
    const w = watch([])
    w.send('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' })
    w.send('127.0.0.1', { 'x-forwarded-for': '198.51.100.2' })
    assert.deepEqual(w.seen, ['127.0.0.1 x-forwarded-for'])
    w.clock.ms = 3_600_000
    w.send('::1', { forwarded: 'for=198.51.100.1' })
    w.clock.ms = 7_200_000
    w.send('::ffff:127.0.0.2', { 'x-real-ip': '198.51.100.1' })
    assert.deepEqual(w.seen, ['127.0.0.1 x-forwarded-for', '::1 forwarded', '127.0.0.2 x-real-ip'])
  })

  it('is not reported for a trusted proxy, another peer, or no header', () => {
    const w = watch(['127.0.0.1'])
    w.send('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' })
    w.send('203.0.113.5', { 'x-forwarded-for': '198.51.100.1' })
    w.send('::1', {})
    assert.deepEqual(w.seen, [])
  })
})

describe('the socket peer memo', () => {
  it('keeps at most MAX_PEERS addresses, the least recently seen parsed again', () => {
    const ip = createClientIp({ header: 'X-Forwarded-For', trusted: [] })
    const peer = (remoteAddress: string) => ip({ socket: { remoteAddress }, headers: {} })
    const first = peer('192.0.2.1')
    const kept = peer('192.0.2.2')
    assert.equal(peer('192.0.2.1'), first, 'a repeat is answered from the memo')
    for (let i = 0; i < MAX_PEERS - 1; i++) {
      peer(`10.0.${String(i >> 8)}.${String(i & 255)}`)
      if (i % 500 === 0) peer('192.0.2.2')
    }
    assert.notEqual(peer('192.0.2.1'), first, 'the oldest was forgotten')
    assert.deepEqual(peer('192.0.2.1'), first, 'and parsed again alike')
    assert.equal(peer('192.0.2.2'), kept, 'a peer in use stays')
  })
})
