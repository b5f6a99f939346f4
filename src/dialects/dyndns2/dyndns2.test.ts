import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { IpAddress } from '../../core/addresses/addresses.ts'
import type { Fqdn } from '../../core/names.ts'
import type { Credentials, HostOutcome, UpdateResult } from '../../core/update/update-intent.ts'
import type { DialectError, DialectResponse, UpdateRequest } from '../dialect.ts'
import { createDyndns2 } from './dyndns2.ts'

const dialect = createDyndns2({ paths: ['/nic/update', '/v3/update'] })
const CLIENT: IpAddress = { family: 4, text: '198.51.100.7' }
const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const SUCCESS_WORDS = /ok|good|true|updated|nochg/i

function request(
  params: Record<string, string> = {},
  extra: { basic?: { username: string; password: string }; headers?: Record<string, string> } = {},
): UpdateRequest {
  return {
    method: 'GET',
    path: '/nic/update',
    params: new Map(Object.entries(params)),
    headers: extra.headers ?? {},
    clientIp: CLIENT,
    basic: extra.basic ?? null,
  }
}

const JSON_REQ = request({}, { headers: { accept: 'application/json' } })

function parsed(params: Record<string, string>, extra?: Parameters<typeof request>[1]) {
  const r = dialect.parse(request(params, extra))
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}

function creds(c: Credentials | null): [string, string, string] | null {
  if (c === null) return null
  return c.kind === 'basic'
    ? ['basic', c.username, c.secret.reveal()]
    : ['token', '', c.secret.reveal()]
}

describe('dyndns2 routes', () => {
  it('serves GET and POST on every path', () => {
    assert.equal(dialect.name, 'dyndns2')
    assert.deepEqual(dialect.routes, [
      { method: 'GET', path: '/nic/update' },
      { method: 'POST', path: '/nic/update' },
      { method: 'GET', path: '/v3/update' },
      { method: 'POST', path: '/v3/update' },
    ])
  })
})

describe('dyndns2 parse: intent', () => {
  it('builds the whole intent', () => {
    const intent = parsed(
      { hostname: 'home.dyn.example', myip: '203.0.113.10,2001:db8::10', system: 'dyndns' },
      {
        basic: { username: 'alice', password: 'pw' },
        headers: { 'user-agent': 'ddclient/3.10.0' },
      },
    )
    assert.equal(intent.dialect, 'dyndns2')
    assert.deepEqual(intent.hostnames, ['home.dyn.example'])
    assert.deepEqual(intent.ipv4, { kind: 'set', address: { family: 4, text: '203.0.113.10' } })
    assert.deepEqual(intent.ipv6, { kind: 'set', address: { family: 6, text: '2001:db8::10' } })
    assert.deepEqual(intent.clientIp, CLIENT)
    assert.equal(intent.userAgent, 'ddclient/3.10.0')
    assert.deepEqual(creds(intent.credentials), ['basic', 'alice', 'pw'])
  })

  it('leaves userAgent out when there is none', () => {
    assert.equal('userAgent' in parsed({ hostname: 'a.example' }), false)
  })

  it('uses the source address when myip is absent', () => {
    const intent = parsed({ hostname: 'a.example' })
    assert.deepEqual([intent.ipv4, intent.ipv6], [{ kind: 'auto' }, { kind: 'auto' }])
  })

  const hostnames: [string, Record<string, string>, string[]][] = [
    ['one', { hostname: 'a.example' }, ['a.example']],
    ['a list', { hostname: 'a.example,b.example' }, ['a.example', 'b.example']],
    ['spaces and empties', { hostname: ' a.example , ,b.example,, ' }, ['a.example', 'b.example']],
    [
      'decoded %2C',
      { hostname: decodeURIComponent('a.example%2Cb.example') },
      ['a.example', 'b.example'],
    ],
    ['absent', {}, []],
    ['empty', { hostname: '' }, []],
    [
      'order kept, duplicates kept',
      { hostname: 'b.example,a.example,b.example' },
      ['b.example', 'a.example', 'b.example'],
    ],
  ]
  for (const [name, params, expected] of hostnames) {
    it(`hostname: ${name}`, () => {
      assert.deepEqual(parsed(params).hostnames, expected)
    })
  }

  const systems: [string | undefined, boolean][] = [
    [undefined, true],
    ['', true],
    ['dyndns', true],
    ['statdns', true],
    ['custom', true],
    ['DynDNS', true],
    ['dyndns2', false],
    ['foo', false],
  ]
  for (const [system, accepted] of systems) {
    it(`system=${String(system)} ${accepted ? 'accepted' : 'is badsys'}`, () => {
      const r = dialect.parse(request(system === undefined ? {} : { system }))
      if (accepted) assert.equal(r.ok, true)
      else assert.deepEqual(r.ok ? 'ok' : r.error.code, 'badsys')
    })
  }

  it('refuses a bad myip as badip', () => {
    for (const myip of ['junk', '2001:db8:1:2::/130', '203.0.113.10,198.51.100.1']) {
      const r = dialect.parse(request({ myip }))
      assert.equal(r.ok ? 'ok' : r.error.code, 'badip', myip)
    }
  })
})

describe('dyndns2 parse: IPv6 prefixes', () => {
  it('reads the Fritz!Box template myip=<ipaddr>&ip6lanprefix=<ip6lanprefix>', () => {
    const r = dialect.parse(request({ myip: '203.0.113.10', ip6lanprefix: '2001:db8:1:2::/64' }))
    assert.ok(r.ok)
    assert.equal(r.value.ipv4.kind, 'set')
    assert.deepEqual(r.value.ipv6prefix, {
      kind: 'set',
      prefix: { family: 6, text: '2001:db8:1:2::' },
      length: 64,
    })
  })
})

describe('dyndns2 parse: credentials', () => {
  const basic = { username: 'alice', password: 'from-header' }
  const table: [
    string,
    Record<string, string>,
    typeof basic | undefined,
    [string, string, string] | null,
  ][] = [
    ['Basic header', {}, basic, ['basic', 'alice', 'from-header']],
    ['username + password', { username: 'bob', password: 'pw' }, undefined, ['basic', 'bob', 'pw']],
    ['user + pass', { user: 'bob', pass: 'pw' }, undefined, ['basic', 'bob', 'pw']],
    [
      'username + token',
      { username: 'home.dyn.example', token: 'tok' },
      undefined,
      ['basic', 'home.dyn.example', 'tok'],
    ],
    ['token alone', { token: 'tok' }, undefined, ['token', '', 'tok']],
    ['password alone', { password: 'pw' }, undefined, ['token', '', 'pw']],
    ['username without a secret', { username: 'bob' }, undefined, null],
    ['nothing', {}, undefined, null],
    [
      'the header wins over the query',
      { username: 'bob', password: 'pw', token: 'tok' },
      basic,
      ['basic', 'alice', 'from-header'],
    ],
    [
      'an empty Basic password still wins',
      { token: 'tok' },
      { username: 'alice', password: '' },
      ['basic', 'alice', ''],
    ],
  ]
  for (const [name, params, header, expected] of table) {
    it(name, () => {
      const intent = parsed(params, header === undefined ? {} : { basic: header })
      assert.deepEqual(creds(intent.credentials), expected)
    })
  }

  it('keeps the secret out of printed intents', () => {
    const intent = parsed({ username: 'bob', password: 'hunter2hunter2' })
    assert.equal(JSON.stringify(intent).includes('hunter2'), false)
  })
})

const out = (fields: Omit<HostOutcome, 'fqdn'>): HostOutcome => ({
  ...fields,
  fqdn: fields.hostname as Fqdn,
})
const hosts = (...outcomes: HostOutcome[]): UpdateResult => ({ kind: 'hosts', outcomes })
const rejected = (code: 'badauth' | 'numhost' | 'notfqdn' | '911'): UpdateResult => ({
  kind: 'rejected',
  code,
  message: 'internal detail that must not leak',
})

describe('dyndns2 render: text', () => {
  const table: [string, UpdateResult | DialectError, DialectResponse][] = [
    [
      'good with v4',
      hosts(out({ hostname: 'a.example', status: 'good', ipv4: '203.0.113.10' })),
      { status: 200, headers: { 'content-type': TEXT }, body: 'good 203.0.113.10' },
    ],
    [
      'good with v4 and v6',
      hosts(
        out({ hostname: 'a.example', status: 'good', ipv4: '203.0.113.10', ipv6: '2001:db8::10' }),
      ),
      { status: 200, headers: { 'content-type': TEXT }, body: 'good 203.0.113.10,2001:db8::10' },
    ],
    [
      'good with v6 only',
      hosts(out({ hostname: 'a.example', status: 'good', ipv6: '2001:db8::10' })),
      { status: 200, headers: { 'content-type': TEXT }, body: 'good 2001:db8::10' },
    ],
    [
      'good without addresses (delete)',
      hosts(out({ hostname: 'a.example', status: 'good' })),
      { status: 200, headers: { 'content-type': TEXT }, body: 'good' },
    ],
    [
      'nochg',
      hosts(out({ hostname: 'a.example', status: 'nochg', ipv4: '203.0.113.10' })),
      { status: 200, headers: { 'content-type': TEXT }, body: 'nochg 203.0.113.10' },
    ],
    [
      'several hosts, one line each, in order',
      hosts(
        out({ hostname: 'a.example', status: 'good', ipv4: '203.0.113.10' }),
        { hostname: 'bad host', status: 'notfqdn' },
        out({ hostname: 'b.example', status: 'nohost' }),
        out({ hostname: 'c.example', status: '!yours' }),
        out({ hostname: 'd.example', status: 'nochg', ipv4: '203.0.113.10' }),
        out({ hostname: 'e.example', status: 'dnserr', ipv4: '203.0.113.10' }),
      ),
      {
        status: 200,
        headers: { 'content-type': TEXT },
        body: 'good 203.0.113.10\nnotfqdn\nnohost\n!yours\nnochg 203.0.113.10\ndnserr',
      },
    ],
    [
      'badauth',
      rejected('badauth'),
      {
        status: 401,
        headers: { 'content-type': TEXT, 'www-authenticate': 'Basic realm="dynzone"' },
        body: 'badauth',
      },
    ],
    [
      'numhost',
      rejected('numhost'),
      { status: 200, headers: { 'content-type': TEXT }, body: 'numhost' },
    ],
    [
      'notfqdn',
      rejected('notfqdn'),
      { status: 200, headers: { 'content-type': TEXT }, body: 'notfqdn' },
    ],
    ['911', rejected('911'), { status: 200, headers: { 'content-type': TEXT }, body: '911' }],
    [
      'badsys',
      { code: 'badsys', message: 'unknown system "x"' },
      { status: 200, headers: { 'content-type': TEXT }, body: 'badsys' },
    ],
    [
      'dialect badauth',
      { code: 'badauth', message: 'x' },
      {
        status: 401,
        headers: { 'content-type': TEXT, 'www-authenticate': 'Basic realm="dynzone"' },
        body: 'badauth',
      },
    ],
  ]
  for (const [name, result, expected] of table) {
    it(name, () => {
      assert.deepEqual(dialect.render(result, request()), expected)
    })
  }

  it('uses the configured realm in the challenge', () => {
    const r = createDyndns2({ paths: ['/nic/update'], realm: 'home dns' }).render(
      rejected('badauth'),
      request(),
    )
    assert.equal(r.headers['www-authenticate'], 'Basic realm="home dns"')
  })

  it('explains badip with a 400', () => {
    const r = dialect.render(
      { code: 'badip', message: '"x" is not an IPv4 or IPv6 address' },
      request(),
    )
    assert.equal(r.status, 400)
    assert.match(r.body, /^badip /)
  })
})

describe('dyndns2 render: JSON', () => {
  it('gives one object for one host', () => {
    const r = dialect.render(
      hosts(
        out({ hostname: 'a.example', status: 'good', ipv4: '203.0.113.10', ipv6: '2001:db8::10' }),
      ),
      JSON_REQ,
    )
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], JSON_TYPE)
    assert.deepEqual(JSON.parse(r.body), {
      hostname: 'a.example',
      status: 'good',
      ipv4: '203.0.113.10',
      ipv6: '2001:db8::10',
    })
  })

  it('gives an array in request order for several hosts', () => {
    const r = dialect.render(
      hosts(out({ hostname: 'b.example', status: 'nochg', ipv6: '2001:db8::10' }), {
        hostname: 'x y',
        status: 'notfqdn',
      }),
      request({}, { headers: { accept: 'text/html, application/json;q=0.9' } }),
    )
    assert.deepEqual(JSON.parse(r.body), [
      { hostname: 'b.example', status: 'nochg', ipv6: '2001:db8::10' },
      { hostname: 'x y', status: 'notfqdn' },
    ])
  })

  it('answers badauth as JSON with the challenge', () => {
    const r = dialect.render(rejected('badauth'), JSON_REQ)
    assert.equal(r.status, 401)
    assert.equal(r.headers['www-authenticate'], 'Basic realm="dynzone"')
    assert.deepEqual(JSON.parse(r.body), { status: 'badauth' })
  })
})

describe('dyndns2 error bodies never read as success', () => {
  const bad: [string, Record<string, string>][] = [
    ['myip=token', { myip: 'token' }],
    ['myip=good', { myip: 'good' }],
    ['myip=TRUE', { myip: 'TRUE' }],
    ['myip=updated', { myip: 'updated' }],
    ['myip=nochg', { myip: 'nochg' }],
    ['myip=ok/64', { myip: 'ok/64' }],
    ['myip=broken/64', { myip: 'broken/64' }],
    ['myip two v4', { myip: '203.0.113.10,198.51.100.1' }],
    ['system=ok', { system: 'ok' }],
    ['system=goodsys', { system: 'goodsys' }],
  ]
  const errors: [string, UpdateResult | DialectError][] = [
    ...(['badauth', 'numhost', 'notfqdn', '911'] as const).map((c): [string, UpdateResult] => [
      c,
      rejected(c),
    ]),
    ...bad.map(([name, params]): [string, DialectError] => {
      const r = dialect.parse(request(params))
      assert.equal(r.ok, false, name)
      return [name, r.error]
    }),
    [
      'hosts that all failed',
      hosts(
        out({ hostname: 'a.example', status: 'nohost' }),
        { hostname: 'x', status: 'notfqdn' },
        out({ hostname: 'b.example', status: '!yours' }),
        out({ hostname: 'c.example', status: 'dnserr', ipv4: '203.0.113.10' }),
      ),
    ],
  ]
  for (const [name, result] of errors) {
    for (const [format, req] of [
      ['text', request()],
      ['JSON', JSON_REQ],
    ] as const) {
      it(`${name} (${format})`, () => {
        const r = dialect.render(result, req)
        assert.doesNotMatch(r.body, SUCCESS_WORDS)
        assert.equal(r.body.includes('internal detail'), false)
      })
    }
  }
})
