import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import { creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createDjango } from './django.ts'

const dialect = createDjango({ now: () => new Date('2024-05-01T10:00:00.000Z') })
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }

describe('django-dynamic-dns', () => {
  it('parses the domain from the path, key and ip from the form', () => {
    const r = dialect.parse(
      testRequest({
        method: 'POST',
        path: '/update/a.dyn.example/',
        query: { key: 'K', ip: '2001:db8::1' },
      }),
    )
    assert.ok(r.ok)
    assert.deepEqual(r.value.hostnames, ['a.dyn.example'])
    assert.deepEqual(creds(r.value.credentials), ['token', 'K'])
    assert.deepEqual(r.value.ipv4, { kind: 'keep' })
    assert.deepEqual(r.value.ipv6, { kind: 'set', address: { family: 6, text: '2001:db8::1' } })
  })

  it('uses the source address without ip', () => {
    const r = dialect.parse(testRequest({ path: '/update/a.dyn.example', query: { key: 'K' } }))
    assert.ok(r.ok)
    assert.deepEqual([r.value.ipv4, r.value.ipv6], [{ kind: 'auto' }, { kind: 'auto' }])
  })

  it('refuses a missing key and a bad ip', () => {
    const none = dialect.parse(testRequest({ path: '/update/a.dyn.example/' }))
    assert.ok(!none.ok)
    assert.deepEqual(dialect.render(none.error, testRequest({})), {
      status: 400,
      headers: JSON_TYPE,
      body: '{"error": "Bad request"}',
    })
    const bad = dialect.parse(testRequest({ path: '/update/a/', query: { key: 'K', ip: 'x' } }))
    assert.ok(!bad.ok)
    assert.equal(dialect.render(bad.error, testRequest({})).status, 400)
  })

  const replies: [string, UpdateResult, number, string][] = [
    [
      'good',
      hosts({ fqdn: 'a.dyn.example' as never, ipv4: '192.0.2.1' }),
      200,
      '{"domain": "a.dyn.example", "ip": "192.0.2.1", "last_change": "2024-05-01T10:00:00.000Z", "updated": true}',
    ],
    [
      'nochg',
      hosts({ fqdn: 'a.dyn.example' as never, status: 'nochg', ipv4: '192.0.2.1' }),
      200,
      '{"domain": "a.dyn.example", "ip": "192.0.2.1", "last_change": "2024-05-01T10:00:00.000Z", "updated": false}',
    ],
    ['nohost', hosts({ status: 'nohost' }), 403, '{"error": "Authentication failure"}'],
    ['!yours', hosts({ status: '!yours' }), 403, '{"error": "Authentication failure"}'],
    [
      'badauth',
      { kind: 'rejected', code: 'badauth', message: '' },
      403,
      '{"error": "Authentication failure"}',
    ],
    ['911', { kind: 'rejected', code: '911', message: '' }, 500, '{"error": "Internal error"}'],
  ]
  for (const [name, result, status, body] of replies) {
    it(`renders ${name}`, () => {
      assert.deepEqual(dialect.render(result, testRequest({})), {
        status,
        headers: JSON_TYPE,
        body,
      })
    })
  }
})
