/** `/users`: admins manage accounts; a user reads and changes only their own. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { WebSessions } from '../web/session.ts'
import { parseCidr, type Cidr } from '../core/addresses/addresses.ts'
import { errorCode, startApiFixture, type ApiFixture } from '../../test/fakes/api-server.ts'

function cidr(text: string): Cidr {
  const c = parseCidr(text)
  if (!c.ok) throw new Error(text)
  return c.value
}

interface User {
  name: string
  email: string | null
  admin: boolean
  hasPassword: boolean
}

describe('api users', () => {
  let f: ApiFixture
  let root: string
  let bob: string

  before(async () => {
    f = await startApiFixture()
    await f.user('root', { admin: true })
    await f.user('bob', { password: 'bob-password-1' })
    await f.user('carol')
    root = await f.token('root')
    bob = await f.token('bob')
  })
  after(() => f.close())

  it('lets an admin create a user, and refuses a duplicate', async () => {
    const body = { name: 'dave', email: 'dave@example.org', password: 'long-enough-1' }
    const a = await f.call('POST', '/users', { token: root, body })
    assert.equal(a.status, 201)
    assert.deepEqual(
      { ...(a.body as User), createdAt: undefined },
      {
        name: 'dave',
        email: 'dave@example.org',
        admin: false,
        hasPassword: true,
        createdAt: undefined,
      },
    )
    const again = await f.call('POST', '/users', { token: root, body })
    assert.equal(again.status, 409)
    assert.equal(errorCode(again), 'user_exists')
  })

  const invalid: [string, unknown, number, string][] = [
    ['a short password', { name: 'eve', password: 'short' }, 400, 'invalid_request'],
    ['an unknown field', { name: 'eve', role: 'admin' }, 400, 'invalid_request'],
    ['a bad email', { name: 'eve', email: 'not-an-email' }, 400, 'invalid_request'],
    ['a bad name', { name: 'eve smith' }, 422, 'invalid_value'],
    ['no name', {}, 400, 'invalid_request'],
  ]
  for (const [what, body, status, code] of invalid) {
    it(`refuses ${what} and creates nothing`, async () => {
      const a = await f.call('POST', '/users', { token: root, body })
      assert.equal(a.status, status)
      assert.equal(errorCode(a), code)
      const names = (await f.context.accounts.listUsers()).map((u) => u.name)
      assert.ok(!names.some((n) => n.startsWith('eve')))
    })
  }

  it('reports every schema problem with its path', async () => {
    const a = await f.call('POST', '/users', {
      token: root,
      body: { name: 5, password: 'x', admin: 'yes' },
    })
    const details = (a.body as { error: { details: { path: string }[] } }).error.details
    assert.deepEqual(details.map((d) => d.path).sort(), [
      'body.admin',
      'body.name',
      'body.password',
    ])
  })

  it('keeps user administration from non-admins', async () => {
    for (const [method, path, body] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { name: 'mallory' }],
      ['DELETE', '/users/carol', undefined],
    ] as const) {
      const a = await f.call(method, path, { token: bob, body })
      assert.equal(a.status, 403, `${method} ${path}`)
      assert.equal(errorCode(a), 'forbidden')
    }
    assert.ok((await f.context.accounts.listUsers()).some((u) => u.name === 'carol'))
  })

  it('lets a user read themselves but not others (not found, like a missing one)', async () => {
    assert.equal((await f.call('GET', '/users/bob', { token: bob })).status, 200)
    const other = await f.call('GET', '/users/carol', { token: bob })
    const missing = await f.call('GET', '/users/nobody', { token: bob })
    assert.equal(other.status, 404)
    assert.equal(errorCode(other), 'user_not_found')
    assert.equal(missing.status, 404)
    const patch = await f.call('PATCH', '/users/carol', { token: bob, body: { email: 'x@y.org' } })
    assert.equal(patch.status, 404)
    const carol = (await f.context.accounts.listUsers()).find((u) => u.name === 'carol')
    assert.equal(carol?.email, null)
  })

  it('lets a user change their email, and refuses making themselves admin', async () => {
    const a = await f.call('PATCH', '/users/bob', {
      token: bob,
      body: { email: 'bob@example.org' },
    })
    assert.equal(a.status, 200)
    assert.equal((a.body as User).email, 'bob@example.org')
    const up = await f.call('PATCH', '/users/bob', { token: bob, body: { admin: true } })
    assert.equal(up.status, 403)
    const after = await f.call('GET', '/users/bob', { token: bob })
    assert.equal((after.body as User).admin, false)
  })

  it('needs the current password for a new one of one’s own', async () => {
    const none = await f.call('PATCH', '/users/bob', {
      token: bob,
      body: { password: 'new-password-2' },
    })
    assert.equal(none.status, 403)
    assert.equal(errorCode(none), 'wrong_password')
    const wrong = await f.call('PATCH', '/users/bob', {
      token: bob,
      body: { password: 'new-password-2', currentPassword: 'guess-guess' },
    })
    assert.equal(errorCode(wrong), 'wrong_password')
    const right = await f.call('PATCH', '/users/bob', {
      token: bob,
      body: { password: 'new-password-2', currentPassword: 'bob-password-1' },
    })
    assert.equal(right.status, 200)
    const stored = await f.context.accounts.listUsers()
    assert.equal(stored.find((u) => u.name === 'bob')?.hasPassword, true)
  })

  it('counts wrong current passwords like any password guess, and holds the guesser', async () => {
    await f.user('erin', { password: 'erin-password-1' })
    const erin = await f.token('erin')
    const codes: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await f.call('PATCH', '/users/erin', {
        token: erin,
        body: { password: 'new-password-2', currentPassword: `guess ${String(i)}` },
      })
      codes.push(errorCode(r) ?? String(r.status))
    }
    assert.deepEqual(codes.slice(0, 5), Array<string>(5).fill('wrong_password'))
    assert.deepEqual(codes.slice(5), ['rate_limited', 'rate_limited'])
    const right = await f.call('PATCH', '/users/erin', {
      token: erin,
      body: { password: 'new-password-2', currentPassword: 'erin-password-1' },
    })
    assert.equal(errorCode(right), 'rate_limited', 'the right one waits while locked')
    assert.ok((await f.context.accounts.deleteUser('erin')).ok)
  })

  it('grants admin only from a credential without limits', async () => {
    await f.user('frank')
    const limited = await f.context.accounts.createToken({
      owner: 'root',
      scope: 'api',
      sources: [cidr('127.0.0.0/8')],
    })
    assert.ok(limited.ok)
    const r = await f.call('PATCH', '/users/frank', {
      token: limited.value.secret,
      body: { admin: true },
    })
    assert.equal(errorCode(r), 'forbidden')
    const created = await f.call('POST', '/users', {
      token: limited.value.secret,
      body: { name: 'gina', admin: true },
    })
    assert.equal(errorCode(created), 'forbidden')
    const ok = await f.call('PATCH', '/users/frank', { token: root, body: { admin: true } })
    assert.equal(ok.status, 200)
    assert.ok((await f.context.accounts.deleteUser('frank')).ok)
  })

  it('signs a user’s web sessions out when their password changes', async () => {
    const sessions = new WebSessions({
      store: new SqlWebSessionStore(f.context.db),
      hasher: f.context.hasher,
      clock: { now: () => new Date() },
    })
    const carol = (await f.context.accounts.listUsers()).find((u) => u.name === 'carol')
    assert.ok(carol)
    const cookie = `dynzone_session=${await sessions.create(carol.id)}`
    assert.ok(await sessions.fromRequest({ headers: { cookie } }))
    const a = await f.call('PATCH', '/users/carol', {
      token: root,
      body: { password: 'carols-first-pass' },
    })
    assert.equal(a.status, 200)
    assert.equal(await sessions.fromRequest({ headers: { cookie } }), undefined)
  })

  it('lets an admin set another user’s password and admin flag', async () => {
    const a = await f.call('PATCH', '/users/carol', {
      token: root,
      body: { password: 'carols-new-pass', admin: true },
    })
    assert.equal(a.status, 200)
    assert.deepEqual([(a.body as User).admin, (a.body as User).hasPassword], [true, true])
  })

  it('keeps an admin from dropping their own admin flag', async () => {
    const a = await f.call('PATCH', '/users/root', { token: root, body: { admin: false } })
    assert.equal(a.status, 422)
    const after = await f.call('GET', '/users/root', { token: root })
    assert.equal((after.body as User).admin, true)
  })

  it('refuses an empty change', async () => {
    const a = await f.call('PATCH', '/users/bob', { token: bob, body: {} })
    assert.equal(a.status, 400)
    assert.equal(errorCode(a), 'invalid_request')
  })

  it('lets an admin delete a user with their hosts, but not themselves', async () => {
    await f.context.accounts.addHost({ fqdn: 'gone.dyn.example', owner: 'dave' })
    const self = await f.call('DELETE', '/users/root', { token: root })
    assert.equal(self.status, 422)
    const a = await f.call('DELETE', '/users/dave', { token: root })
    assert.equal(a.status, 204)
    assert.equal((await f.call('GET', '/users/dave', { token: root })).status, 404)
    assert.equal((await f.call('GET', '/hosts/gone.dyn.example', { token: root })).status, 404)
    assert.equal((await f.call('DELETE', '/users/dave', { token: root })).status, 404)
  })

  it('pages the user list with an opaque cursor', async () => {
    const first = await f.call('GET', '/users?limit=2', { token: root })
    const page1 = first.body as { items: User[]; next: string | null }
    assert.deepEqual(
      page1.items.map((u) => u.name),
      ['bob', 'carol'],
    )
    assert.ok(page1.next !== null)
    const second = await f.call('GET', `/users?limit=2&cursor=${page1.next}`, { token: root })
    const page2 = second.body as { items: User[]; next: string | null }
    assert.deepEqual(
      page2.items.map((u) => u.name),
      ['root'],
    )
    assert.equal(page2.next, null)
    const bad = await f.call('GET', '/users?cursor=bm9wZQ', { token: root })
    assert.equal(errorCode(bad), 'invalid_cursor')
    const big = await f.call('GET', '/users?limit=100000', { token: root })
    assert.equal(errorCode(big), 'invalid_request')
  })
})
