import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { UpdateResult } from '../../core/update/update-intent.ts'
import { creds, hosts, testRequest } from '../../../test/fakes/dialect-requests.ts'
import { createDyndns53 } from './dyndns53.ts'

const dialect = createDyndns53()
const TEXT = { 'content-type': 'text/plain; charset=utf-8' }
const CHALLENGE = { ...TEXT, 'www-authenticate': 'Basic realm=""' }

describe('dyndns53', () => {
  it('takes the hostname from the Basic user and the source address', () => {
    const r = dialect.parse(testRequest({ basic: { username: 'h.dyn.example', password: 'T' } }))
    assert.ok(r.ok)
    assert.deepEqual(r.value.hostnames, ['h.dyn.example'])
    assert.deepEqual(creds(r.value.credentials), ['basic', 'h.dyn.example', 'T'])
    assert.deepEqual([r.value.ipv4, r.value.ipv6], [{ kind: 'auto' }, { kind: 'auto' }])
  })

  it('passes no credentials on when none were sent', () => {
    const r = dialect.parse(testRequest({}))
    assert.ok(r.ok)
    assert.equal(r.value.credentials, null)
  })

  const replies: [string, UpdateResult, number, Record<string, string>, string][] = [
    ['good', hosts({ status: 'good' }), 200, TEXT, ''],
    ['nochg', hosts({ status: 'nochg' }), 200, TEXT, ''],
    ['nohost', hosts({ status: 'nohost' }), 401, CHALLENGE, ''],
    ['badauth', { kind: 'rejected', code: 'badauth', message: '' }, 401, CHALLENGE, ''],
    ['dnserr', hosts({ status: 'dnserr' }), 500, TEXT, 'Internal Server Error'],
  ]
  for (const [name, result, status, headers, body] of replies) {
    it(`renders ${name}`, () => {
      assert.deepEqual(dialect.render(result, testRequest({})), { status, headers, body })
    })
  }
})
