/** Who may call the API: api tokens and web sessions (with CSRF on changes), nothing else. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { WebSessions } from '../web/session.ts'
import { errorCode, startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

describe('api authentication', () => {
  let f: ApiFixture
  let apiToken: string
  let cookie: string
  let csrf: string
  let sessions: WebSessions
  let aliceId: number

  before(async () => {
    f = await startApiFixture()
    await f.user('alice')
    apiToken = await f.token('alice')
    sessions = new WebSessions({
      store: new SqlWebSessionStore(f.context.db),
      hasher: f.context.hasher,
      clock: { now: () => new Date() },
    })
    const users = await f.context.accounts.listUsers()
    const alice = users.find((u) => u.name === 'alice')
    assert.ok(alice)
    aliceId = alice.id
    const id = await sessions.create(alice.id)
    cookie = `dynzone_session=${id}`
    const session = await sessions.fromRequest({ headers: { cookie } })
    assert.ok(session)
    csrf = session.csrf
  })
  after(() => f.close())

  it('refuses a request without credentials', async () => {
    const a = await f.call('GET', '/hosts')
    assert.equal(a.status, 401)
    assert.equal(errorCode(a), 'unauthenticated')
  })

  const refused: [string, Record<string, string>, number, string][] = [
    ['an unknown token', { authorization: 'Bearer nosuchtokenatall' }, 401, 'unauthenticated'],
    ['Basic auth', { authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' }, 401, 'unauthenticated'],
    ['an empty bearer', { authorization: 'Bearer ' }, 401, 'unauthenticated'],
    ['a forged cookie', { cookie: `dynzone_session=${'x'.repeat(43)}` }, 401, 'unauthenticated'],
  ]
  for (const [what, headers, status, code] of refused) {
    it(`refuses ${what}`, async () => {
      const a = await f.call('GET', '/hosts', { headers })
      assert.equal(a.status, status)
      assert.equal(errorCode(a), code)
    })
  }

  for (const scope of ['all', 'address', 'acme'] as const) {
    it(`refuses an update token of scope ${scope}, for reads and changes`, async () => {
      const secret = await f.token('alice', scope)
      const read = await f.call('GET', '/tokens', { token: secret })
      assert.equal(read.status, 403)
      assert.equal(errorCode(read), 'token_scope')
      const write = await f.call('POST', '/tokens', {
        token: secret,
        body: { scope: 'api' },
      })
      assert.equal(write.status, 403)
      assert.equal((await f.context.accounts.listTokens('alice')).length > 0, true)
      const tokens = await f.context.accounts.listTokens('alice')
      assert.equal(tokens.filter((t) => t.scope === 'api').length, 1, 'no api token was minted')
    })
  }

  it('accepts an api token', async () => {
    const a = await f.call('GET', '/hosts', { token: apiToken })
    assert.equal(a.status, 200)
    assert.deepEqual(a.body, { items: [], next: null })
  })

  it('refuses an api token on the update dialects', async () => {
    await f.context.accounts.addHost({ fqdn: `h.${ZONE}`, owner: 'alice' })
    const res = await f.server.http.inject({
      method: 'GET',
      url: `/nic/update?hostname=h.${ZONE}&myip=192.0.2.1`,
      headers: { authorization: `Basic ${Buffer.from(`alice:${apiToken}`).toString('base64')}` },
    })
    assert.match(res.body, /badauth/)
    const host = await f.call('GET', `/hosts/h.${ZONE}`, { token: apiToken })
    assert.equal((host.body as { ipv4: string | null }).ipv4, null)
  })

  it('accepts a web session for reads without CSRF', async () => {
    const a = await f.call('GET', '/users/alice', { headers: { cookie } })
    assert.equal(a.status, 200)
    assert.equal((a.body as { name: string }).name, 'alice')
  })

  it('refuses a cookie change without the CSRF header, and changes nothing', async () => {
    const a = await f.call('POST', '/tokens', { headers: { cookie }, body: { scope: 'address' } })
    assert.equal(a.status, 403)
    assert.equal(errorCode(a), 'csrf_failed')
    const wrong = await f.call('POST', '/tokens', {
      headers: { cookie, 'x-csrf-token': `${csrf.slice(1)}x` },
      body: { scope: 'address' },
    })
    assert.equal(errorCode(wrong), 'csrf_failed')
    const tokens = await f.context.accounts.listTokens('alice')
    assert.equal(tokens.filter((t) => t.scope === 'address').length, 1)
  })

  it('accepts a cookie change with the CSRF header', async () => {
    const a = await f.call('POST', '/tokens', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { scope: 'address', label: 'router' },
    })
    assert.equal(a.status, 201)
    assert.equal((a.body as { token: { label: string } }).token.label, 'router')
  })

  it('takes a session waiting for its second factor as no session', async () => {
    const pending = `dynzone_session=${await sessions.create(aliceId, { pending: true })}`
    const a = await f.call('GET', '/users/alice', { headers: { cookie: pending } })
    assert.equal(a.status, 401)
    assert.equal(errorCode(a), 'unauthenticated')
  })

  it('refuses a cookie change when the account was last proven too long ago', async () => {
    const stale = `dynzone_session=${await sessions.create(aliceId)}`
    const row = await f.context.db
      .selectFrom('web_sessions')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    await f.context.db
      .updateTable('web_sessions')
      .set({ verified_at: new Date(Date.now() - 3_600_000).toISOString() })
      .where('id', '=', row.id)
      .execute()
    const session = await sessions.fromRequest({ headers: { cookie: stale } })
    assert.ok(session)
    const before = (await f.context.accounts.listTokens('alice')).length
    const a = await f.call('POST', '/tokens', {
      headers: { cookie: stale, 'x-csrf-token': session.csrf },
      body: { scope: 'address', label: 'late' },
    })
    assert.equal(a.status, 403)
    assert.equal(errorCode(a), 'step_up_required')
    assert.equal((await f.context.accounts.listTokens('alice')).length, before)
    // Reads stay open.
    const r = await f.call('GET', '/users/alice', { headers: { cookie: stale } })
    assert.equal(r.status, 200)
  })

  it('serves the OpenAPI document without credentials', async () => {
    const a = await f.call('GET', '/openapi.json')
    assert.equal(a.status, 200)
    assert.equal((a.body as { openapi: string }).openapi, '3.1.0')
  })

  it('answers unknown API routes with a JSON error', async () => {
    const a = await f.call('GET', '/nothing-here', { token: apiToken })
    assert.equal(a.status, 404)
    assert.equal(errorCode(a), 'route_not_found')
  })
})
