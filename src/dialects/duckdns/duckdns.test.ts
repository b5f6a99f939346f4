import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddressWish, UpdateResult } from '../../core/update/update-intent.ts'
import type { Fqdn } from '../../core/names.ts'
import { creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createDuckdns, isDuckdnsRequest } from './duckdns.ts'

const dialect = createDuckdns({ zone: 'dyn.example' as Fqdn })
const auto: AddressWish = { kind: 'auto' }
const keep: AddressWish = { kind: 'keep' }
const del: AddressWish = { kind: 'delete' }
const v4 = (text: string): AddressWish => ({ kind: 'set', address: { family: 4, text } })
const v6 = (text: string): AddressWish => ({ kind: 'set', address: { family: 6, text } })

describe('duckdns parse', () => {
  const cases: [string, Record<string, string>, string[], AddressWish, AddressWish][] = [
    ['labels', { domains: 'a,b', token: 'T' }, ['a.dyn.example', 'b.dyn.example'], auto, auto],
    ['duckdns.org names', { domains: 'a.duckdns.org', token: 'T' }, ['a.dyn.example'], auto, auto],
    ['full names', { domains: 'a.dyn.example', token: 'T' }, ['a.dyn.example'], auto, auto],
    [
      'ip v4',
      { domains: 'a', token: 'T', ip: '192.0.2.1' },
      ['a.dyn.example'],
      v4('192.0.2.1'),
      keep,
    ],
    [
      'ip v6',
      { domains: 'a', token: 'T', ip: '2001:db8::1' },
      ['a.dyn.example'],
      keep,
      v6('2001:db8::1'),
    ],
    [
      'ip and ipv6',
      { domains: 'a', token: 'T', ip: '192.0.2.1', ipv6: '2001:db8::1' },
      ['a.dyn.example'],
      v4('192.0.2.1'),
      v6('2001:db8::1'),
    ],
    [
      'ipv6 only',
      { domains: 'a', token: 'T', ipv6: '2001:db8::1' },
      ['a.dyn.example'],
      keep,
      v6('2001:db8::1'),
    ],
    [
      'clear',
      { domains: 'a', token: 'T', clear: 'true', ip: '192.0.2.1' },
      ['a.dyn.example'],
      del,
      del,
    ],
  ]
  for (const [name, query, hostnames, ipv4, ipv6] of cases) {
    it(name, () => {
      const r = dialect.parse(testRequest({ path: '/update', query }))
      assert.ok(r.ok, JSON.stringify(r))
      assert.deepEqual(r.value.hostnames, hostnames)
      assert.deepEqual([r.value.ipv4, r.value.ipv6], [ipv4, ipv6])
      assert.deepEqual(creds(r.value.credentials), ['token', 'T'])
    })
  }

  it('reads the path form', () => {
    const r = dialect.parse(testRequest({ path: '/update/a/T/192.0.2.9' }))
    assert.ok(r.ok)
    assert.deepEqual(r.value.hostnames, ['a.dyn.example'])
    assert.deepEqual(creds(r.value.credentials), ['token', 'T'])
    assert.deepEqual(r.value.ipv4, v4('192.0.2.9'))
    const noIp = dialect.parse(testRequest({ path: '/update/a/T' }))
    assert.ok(noIp.ok)
    assert.deepEqual(noIp.value.ipv4, auto)
  })

  it('refuses bad input', () => {
    for (const query of [
      { domains: '', token: 'T' },
      { domains: 'a', ip: 'x' },
      { domains: 'a', ipv6: '192.0.2.1' },
      { domains: 'a', txt: '' },
      { domains: 'a', txt: 'tab\there' },
    ]) {
      const r = dialect.parse(testRequest({ path: '/update', query }))
      assert.ok(!r.ok, JSON.stringify(query))
      assert.equal(dialect.render(r.error, testRequest({})).body, 'KO')
    }
  })

  it('reads acme.sh dns_duckdns: txt= adds a value, txt=&clear=true removes them', () => {
    const value = 'XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs'
    const add = dialect.parse(
      testRequest({ path: '/update', query: { domains: 'a', token: 'T', txt: value } }),
    )
    assert.ok(add.ok)
    assert.deepEqual(add.value.txt, { kind: 'add', value })
    // Addresses stay as they are: a certificate request must not move the host.
    assert.deepEqual([add.value.ipv4, add.value.ipv6], [{ kind: 'keep' }, { kind: 'keep' }])
    const clear = dialect.parse(
      testRequest({
        path: '/update',
        query: { domains: 'a', token: 'T', txt: '', clear: 'true' },
      }),
    )
    assert.ok(clear.ok)
    assert.deepEqual(clear.value.txt, { kind: 'clear' })
    assert.deepEqual(clear.value.ipv4, { kind: 'keep' })
  })

  it('is chosen on /update by a domains parameter', () => {
    assert.equal(isDuckdnsRequest(testRequest({ query: { domains: 'a' } })), true)
    assert.equal(isDuckdnsRequest(testRequest({ query: { hostname: 'a' } })), false)
  })
})

describe('duckdns render', () => {
  const verbose = testRequest({ query: { verbose: 'true' } })
  const cases: [string, UpdateResult, boolean, string][] = [
    ['good', hosts({ status: 'good' }), false, 'OK'],
    ['nochg', hosts({ status: 'nochg' }), false, 'OK'],
    [
      'verbose good',
      hosts({ status: 'good', ipv4: '192.0.2.1' }),
      true,
      'OK\n192.0.2.1\n\nUPDATED',
    ],
    [
      'verbose nochg',
      hosts({ status: 'nochg', ipv4: '192.0.2.1', ipv6: '2001:db8::1' }),
      true,
      'OK\n192.0.2.1\n2001:db8::1\nNOCHANGE',
    ],
    ['one host failed', hosts({ status: 'good' }, { status: 'nohost' }), true, 'KO'],
    ['dnserr', hosts({ status: 'dnserr' }), false, 'KO'],
    ['badauth', { kind: 'rejected', code: 'badauth', message: '' }, true, 'KO'],
    ['txt scope refused', hosts({ status: '!yours' }), false, 'KO'],
    ['verbose txt', hosts({ status: 'good', txt: ['v1', 'v2'] }), true, 'OK\nv1 v2\nUPDATED'],
  ]
  for (const [name, result, isVerbose, body] of cases) {
    it(name, () => {
      assert.deepEqual(dialect.render(result, isVerbose ? verbose : testRequest({})), {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
      })
    })
  }
})
