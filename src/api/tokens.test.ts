/** `/tokens` and `/zones`: secrets shown once, per-user token lists, admin-only resync. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import { syncZones } from '../store/zones.ts'
import { errorCode, startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

interface Token {
  id: number
  owner: string
  host: string | null
  scope: string
  hosts: string[] | null
  recordTypes: string[] | null
  sources: string[] | null
}

describe('api tokens and zones', () => {
  let f: ApiFixture
  let root: string
  let alice: string
  let bob: string

  before(async () => {
    f = await startApiFixture()
    await f.user('root', { admin: true })
    await f.user('alice')
    await f.user('bob')
    root = await f.token('root')
    alice = await f.token('alice')
    bob = await f.token('bob')
    assert.ok((await f.context.accounts.addHost({ fqdn: `a.${ZONE}`, owner: 'alice' })).ok)
    assert.ok((await f.context.accounts.addHost({ fqdn: `b.${ZONE}`, owner: 'bob' })).ok)
  })
  after(() => f.close())

  it('creates a token and shows its secret only in that answer', async () => {
    const a = await f.call('POST', '/tokens', {
      token: alice,
      body: {
        scope: 'address',
        host: `a.${ZONE}`,
        label: 'router',
        recordTypes: ['A'],
        sources: ['192.0.2.0/24'],
      },
    })
    assert.equal(a.status, 201)
    const { token, secret } = a.body as { token: Token; secret: string }
    assert.match(secret, /^[a-z2-7]{32}$/)
    assert.deepEqual(
      [token.owner, token.host, token.scope, token.recordTypes, token.sources],
      ['alice', `a.${ZONE}`, 'address', ['A'], ['192.0.2.0/24']],
    )
    const list = await f.call('GET', '/tokens', { token: alice })
    assert.ok(!JSON.stringify(list.body).includes(secret))
    assert.ok((list.body as { items: Token[] }).items.some((t) => t.id === token.id))
  })

  const refused: [string, object, number, string][] = [
    ['an unknown scope', { scope: 'root' }, 400, 'invalid_request'],
    ['no scope', {}, 400, 'invalid_request'],
    ['another user’s host', { scope: 'address', host: `b.${ZONE}` }, 404, 'host_not_found'],
    ['another owner', { scope: 'address', owner: 'bob' }, 403, 'forbidden'],
    [
      'a past expiry',
      { scope: 'address', expiresAt: '2001-01-01T00:00:00Z' },
      422,
      'invalid_value',
    ],
    ['a bad source range', { scope: 'address', sources: ['300.1.2.3/8'] }, 422, 'invalid_value'],
    ['an unknown record type', { scope: 'address', recordTypes: ['MX'] }, 400, 'invalid_request'],
  ]
  for (const [what, body, status, code] of refused) {
    it(`refuses ${what} and creates nothing`, async () => {
      const before = (await f.context.accounts.listTokens()).length
      const a = await f.call('POST', '/tokens', { token: alice, body })
      assert.equal(a.status, status)
      assert.equal(errorCode(a), code)
      assert.equal((await f.context.accounts.listTokens()).length, before)
    })
  }

  it('lets an admin create a token for another user', async () => {
    const a = await f.call('POST', '/tokens', {
      token: root,
      body: { scope: 'acme', owner: 'bob', host: `b.${ZONE}` },
    })
    assert.equal(a.status, 201)
    assert.equal((a.body as { token: Token }).token.owner, 'bob')
  })

  it('lists only one’s own tokens; admins see all', async () => {
    const mine = (await f.call('GET', '/tokens', { token: bob })).body as { items: Token[] }
    assert.ok(mine.items.length > 0)
    assert.ok(mine.items.every((t) => t.owner === 'bob'))
    const all = (await f.call('GET', '/tokens?limit=500', { token: root })).body as {
      items: Token[]
    }
    assert.deepEqual([...new Set(all.items.map((t) => t.owner))].sort(), ['alice', 'bob', 'root'])
  })

  it('revokes only one’s own tokens', async () => {
    const bobs = (await f.context.accounts.listTokens('bob')).map((t) => t.id)
    const [first] = bobs
    assert.ok(first !== undefined)
    const a = await f.call('DELETE', `/tokens/${String(first)}`, { token: alice })
    assert.equal(a.status, 404)
    assert.equal(errorCode(a), 'token_not_found')
    assert.equal((await f.context.accounts.listTokens('bob')).length, bobs.length)
    assert.equal(
      errorCode(await f.call('DELETE', '/tokens/abc', { token: alice })),
      'invalid_request',
    )
  })

  it('revokes a token at once: the API refuses it afterwards', async () => {
    const spare = await f.token('alice')
    const id = (await f.context.accounts.listTokens('alice')).at(-1)?.id
    assert.ok(id !== undefined)
    assert.equal((await f.call('GET', '/tokens', { token: spare })).status, 200)
    const a = await f.call('DELETE', `/tokens/${String(id)}`, { token: spare })
    assert.equal(a.status, 204)
    const after = await f.call('GET', '/tokens', { token: spare })
    assert.equal(after.status, 401)
  })

  it('lists zones for every user', async () => {
    const a = await f.call('GET', '/zones', { token: alice })
    const zones = (a.body as { items: { name: string; hosts: number; served: boolean }[] }).items
    assert.deepEqual(
      zones.map((z) => [z.name, z.hosts, z.served]),
      [
        [ZONE, 2, true],
        ['other.example', 0, true],
      ],
    )
  })

  it('lets only admins request a resync of a served zone', async () => {
    const denied = await f.call('POST', `/zones/${ZONE}/resync`, { token: alice })
    assert.equal(denied.status, 403)
    const missing = await f.call('POST', '/zones/nope.example/resync', { token: root })
    assert.equal(errorCode(missing), 'zone_not_found')
    const a = await f.call('POST', `/zones/${ZONE}/resync`, { token: root })
    assert.equal(a.status, 202)
    const { requestedAt } = a.body as { requestedAt: string }
    const zones = (await f.call('GET', '/zones', { token: root })).body as {
      items: { name: string; resync: { requestedAt: string | null } }[]
    }
    const z = zones.items.find((x) => x.name === ZONE)
    assert.equal(z?.resync.requestedAt, requestedAt)
    const other = zones.items.find((x) => x.name === 'other.example')
    assert.equal(other?.resync.requestedAt, null)
  })

  it('shows a zone only in the database as unserved: no new hosts, no resync', async () => {
    // As left by an earlier config that named it.
    await syncZones(
      f.context.db,
      [{ name: 'gone.example' as Fqdn, backend: 'builtin', ttl: 60 }],
      new Date(),
    )
    const listed = (await f.call('GET', '/zones', { token: alice })).body as {
      items: { name: string; served: boolean }[]
    }
    assert.deepEqual(
      listed.items.map((z) => [z.name, z.served]),
      [
        [ZONE, true],
        ['gone.example', false],
        ['other.example', true],
      ],
    )
    const host = await f.call('POST', '/hosts', { token: alice, body: { fqdn: 'x.gone.example' } })
    assert.equal(errorCode(host), 'invalid_value')
    assert.match(
      (host.body as { error: { message: string } }).error.message,
      /none of the served zones \(dyn\.example, other\.example\)/,
    )
    const resync = await f.call('POST', '/zones/gone.example/resync', { token: root })
    assert.equal(errorCode(resync), 'zone_not_found')
  })
})
