import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddressWish, UpdateResult } from '../../core/update/update-intent.ts'
import { creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createDynv6 } from './dynv6.ts'

const dialect = createDynv6()
const keep: AddressWish = { kind: 'keep' }

describe('dynv6 parse', () => {
  const cases: [string, Record<string, string>, string[], AddressWish, AddressWish][] = [
    ['zone', { zone: 'a.dyn.example', token: 'T' }, ['a.dyn.example'], keep, keep],
    [
      'hostname',
      { hostname: 'a.dyn.example', token: 'T', ipv4: 'auto' },
      ['a.dyn.example'],
      { kind: 'auto' },
      keep,
    ],
    [
      'Hostname',
      { Hostname: 'a.dyn.example', token: 'T', ipv6: 'auto' },
      ['a.dyn.example'],
      keep,
      { kind: 'auto' },
    ],
    ['no zone (host-bound token)', { token: 'T', ipv4: '-' }, [], { kind: 'delete' }, keep],
    [
      'addresses',
      { zone: 'a', token: 'T', ipv4: '192.0.2.1', ipv6: '2001:db8::1/64' },
      ['a'],
      { kind: 'set', address: { family: 4, text: '192.0.2.1' } },
      { kind: 'set', address: { family: 6, text: '2001:db8::1' } },
    ],
    ['ipv6 removed', { zone: 'a', token: 'T', ipv6: '-' }, ['a'], keep, { kind: 'delete' }],
  ]
  for (const [name, query, hostnames, ipv4, ipv6] of cases) {
    it(name, () => {
      const r = dialect.parse(testRequest({ path: '/api/update', query }))
      assert.ok(r.ok, JSON.stringify(r))
      assert.deepEqual(r.value.hostnames, hostnames)
      assert.deepEqual([r.value.ipv4, r.value.ipv6], [ipv4, ipv6])
      assert.deepEqual(creds(r.value.credentials), ['token', 'T'])
    })
  }

  it('reads ipv6prefix as a prefix wish: CIDR, auto, -', () => {
    const table: [string, unknown][] = [
      [
        '2001:db8:1:200::/56',
        { kind: 'set', prefix: { family: 6, text: '2001:db8:1:200::' }, length: 56 },
      ],
      ['auto', { kind: 'auto' }],
      ['-', { kind: 'delete' }],
      ['', undefined],
    ]
    for (const [ipv6prefix, wish] of table) {
      const r = dialect.parse(testRequest({ query: { zone: 'a', token: 'T', ipv6prefix } }))
      assert.ok(r.ok, ipv6prefix)
      assert.deepEqual(r.value.ipv6prefix, wish, ipv6prefix)
    }
  })

  it('refuses bad addresses and prefixes with 400', () => {
    for (const query of [
      { ipv4: '2001:db8::1' },
      { ipv6: '192.0.2.1' },
      { ipv4: 'x' },
      { ipv6prefix: '2001:db8::' },
      { ipv6prefix: '192.0.2.0/24' },
      { ipv6prefix: '2001:db8::/129' },
    ]) {
      const r = dialect.parse(testRequest({ query: { zone: 'a', token: 'T', ...query } }))
      assert.ok(!r.ok, JSON.stringify(query))
      assert.equal(dialect.render(r.error, testRequest({})).status, 400)
    }
  })
})

describe('dynv6 render', () => {
  const cases: [string, UpdateResult, number, string][] = [
    ['good', hosts({ status: 'good' }), 200, 'addresses updated'],
    ['nochg', hosts({ status: 'nochg' }), 200, 'addresses unchanged'],
    [
      'badauth',
      { kind: 'rejected', code: 'badauth', message: '' },
      401,
      'invalid authentication token',
    ],
    ['nohost', hosts({ status: 'nohost' }), 404, 'zone not found'],
    ['!yours', hosts({ status: '!yours' }), 403, 'zone not allowed for this token'],
    ['dnserr', hosts({ status: 'dnserr' }), 500, 'addresses saved, DNS not yet updated'],
  ]
  for (const [name, result, status, body] of cases) {
    it(name, () => {
      assert.deepEqual(dialect.render(result, testRequest({})), {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
      })
    })
  }
})
