import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import type { DialectResponse, UpdateDialect } from '../dialect.ts'
import { CLIENT, creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createSftdyn } from './sftdyn.ts'

const root = createSftdyn({ prefix: '/' })
const mounted = createSftdyn({ prefix: '/dyn/' })

describe('sftdyn', () => {
  it('mounts the prefix and everything under it', () => {
    assert.deepEqual(root.routes, [
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/*' },
    ])
    assert.deepEqual(mounted.routes, [
      { method: 'GET', path: '/dyn' },
      { method: 'GET', path: '/dyn/*' },
    ])
  })

  const keys: [string, typeof root, string][] = [
    ['/abc', root, 'abc'],
    ['//abc', root, 'abc'],
    ['/?host=a&key=b', root, '?host=a&key=b'],
    ['/a%20b/c', root, 'a%20b/c'],
    ['/dyn/abc', mounted, 'abc'],
  ]
  for (const [rawUrl, dialect, key] of keys) {
    it(`takes the raw key from ${rawUrl}`, () => {
      const r = dialect.parse(testRequest({ rawUrl }))
      assert.ok(r.ok)
      assert.deepEqual(creds(r.value.credentials), ['token', key])
      assert.deepEqual(r.value.hostnames, [])
      assert.deepEqual([r.value.ipv4, r.value.ipv6], [{ kind: 'auto' }, { kind: 'auto' }])
    })
  }

  const answer = (dialect: UpdateDialect, rawUrl: string): DialectResponse | undefined =>
    dialect.answer?.(testRequest({ rawUrl }))

  it('answers the caller address when there is no key', () => {
    assert.deepEqual(answer(root, '/'), {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: CLIENT.text,
    })
    assert.equal(answer(mounted, '/dyn')?.body, CLIENT.text)
    assert.equal(answer(root, '/k'), undefined)
  })

  const unknown: [string, typeof root, boolean][] = [
    ['/favicon.ico', root, true],
    ['/.env', root, true],
    [`/${'k'.repeat(201)}`, root, true],
    ['/dyn/robots.txt', mounted, true],
    ['/abc', root, false],
    ['/?host=a&key=b', root, false],
    ['/', root, false],
    ['/dyn/abc', mounted, false],
  ]
  for (const [rawUrl, dialect, expected] of unknown) {
    it(`${expected ? 'leaves' : 'takes'} ${rawUrl.slice(0, 20)} ${expected ? 'to the 404' : 'as a key'}`, () => {
      assert.equal(dialect.unknownPath?.(testRequest({ rawUrl })), expected)
    })
  }

  const replies: [string, UpdateResult, number, string][] = [
    ['good', hosts({ status: 'good' }), 200, 'OK'],
    ['nochg', hosts({ status: 'nochg' }), 200, 'UPTODATE'],
    ['dnserr', hosts({ status: 'dnserr' }), 500, 'FAIL'],
    ['!yours', hosts({ status: '!yours' }), 403, 'BADKEY'],
    ['nohost', hosts({ status: 'nohost' }), 403, 'BADKEY'],
    ['badauth', { kind: 'rejected', code: 'badauth', message: '' }, 403, 'BADKEY'],
    ['unbound key', { kind: 'rejected', code: 'notfqdn', message: '' }, 403, 'BADKEY'],
    ['911', { kind: 'rejected', code: '911', message: '' }, 500, 'FAIL'],
    ['badip', { kind: 'rejected', code: 'badip', message: 'a private address' }, 400, 'FAIL'],
  ]
  for (const [name, result, status, body] of replies) {
    it(`renders ${name} as ${String(status)} ${body}`, () => {
      const r = root.render(result, testRequest({}))
      assert.deepEqual(r, {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
      })
    })
  }
})
