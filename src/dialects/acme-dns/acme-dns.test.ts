import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import { creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createAcmeDns, isAcmeDnsRequest } from './acme-dns.ts'

const dialect = createAcmeDns()
const TXT = 'XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs'
const headers = { 'x-api-user': 'alice', 'x-api-key': 'KEY' }
const post = (body: Record<string, string>, h: Record<string, string> = headers) =>
  testRequest({ method: 'POST', path: '/update', headers: h, query: body })

describe('acme-dns parse', () => {
  it('reads the headers and the JSON fields into a TXT-only intent', () => {
    const r = dialect.parse(post({ subdomain: 'home.dyn.example', txt: TXT }))
    assert.ok(r.ok)
    assert.deepEqual(creds(r.value.credentials), ['basic', 'alice', 'KEY'])
    assert.deepEqual(r.value.hostnames, ['home.dyn.example'])
    assert.deepEqual(r.value.txt, { kind: 'add', value: TXT })
    assert.deepEqual([r.value.ipv4.kind, r.value.ipv6.kind], ['keep', 'keep'])
  })

  it('takes the fulldomain as subdomain too', () => {
    const r = dialect.parse(post({ subdomain: '_acme-challenge.home.dyn.example', txt: TXT }))
    assert.ok(r.ok)
    assert.deepEqual(r.value.hostnames, ['home.dyn.example'])
  })

  const refused: [string, ReturnType<typeof post>, number, string][] = [
    ['no key', post({ subdomain: 'h', txt: TXT }, { 'x-api-user': 'alice' }), 401, 'forbidden'],
    ['short txt', post({ subdomain: 'h', txt: 'abc' }), 400, 'bad_txt'],
    ['txt with a dot', post({ subdomain: 'h', txt: `${TXT.slice(1)}.` }), 400, 'bad_txt'],
    ['no subdomain', post({ txt: TXT }), 400, 'bad_subdomain'],
  ]
  for (const [name, req, status, error] of refused) {
    it(`refuses ${name}`, () => {
      const r = dialect.parse(req)
      assert.ok(!r.ok)
      const reply = dialect.render(r.error, req)
      assert.deepEqual([reply.status, JSON.parse(reply.body)], [status, { error }])
    })
  }

  it('is chosen on /update by the X-Api-User header', () => {
    assert.equal(isAcmeDnsRequest(post({})), true)
    assert.equal(isAcmeDnsRequest(testRequest({ query: { hostname: 'a' } })), false)
  })
})

describe('acme-dns render', () => {
  const req = post({ subdomain: 'home.dyn.example', txt: TXT })
  const cases: [string, UpdateResult, number, unknown][] = [
    ['good', hosts({ status: 'good', txt: [TXT] }), 200, { txt: TXT }],
    ['nochg', hosts({ status: 'nochg', txt: [TXT] }), 200, { txt: TXT }],
    ['scope refused', hosts({ status: '!yours' }), 401, { error: 'forbidden' }],
    ['no host', hosts({ status: 'nohost' }), 400, { error: 'bad_subdomain' }],
    ['dnserr', hosts({ status: 'dnserr' }), 500, { error: 'dns_error' }],
    ['badauth', { kind: 'rejected', code: 'badauth', message: '' }, 401, { error: 'forbidden' }],
  ]
  for (const [name, result, status, body] of cases) {
    it(name, () => {
      const reply = dialect.render(result, req)
      assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8')
      assert.deepEqual([reply.status, JSON.parse(reply.body)], [status, body])
    })
  }
})
