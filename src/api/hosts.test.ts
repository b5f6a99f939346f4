/** `/hosts`: owners and admins manage hosts; nobody sees another user’s. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { errorCode, startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

interface Host {
  fqdn: string
  owner: string
  dnsTtl: number | null
  expiryTtl: number
  lan: { ipv4: string | null; ipv6: string | null }
  group: { name: string; iid: string } | null
}

describe('api hosts', () => {
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
    const g = await f.context.accounts.addGroup({ name: 'home', owner: 'alice', prefixLength: 56 })
    assert.ok(g.ok)
  })
  after(() => f.close())

  const hostNames = async (): Promise<string[]> =>
    (await f.context.accounts.listHosts()).map((h) => h.fqdn)

  it('creates a host with its settings', async () => {
    const a = await f.call('POST', '/hosts', {
      token: alice,
      body: {
        fqdn: `Home.${ZONE}`,
        dnsTtl: 120,
        expiryTtl: 86400,
        lan: { ipv4: '192.168.1.10' },
        group: { name: 'home', iid: '::1:2' },
      },
    })
    assert.equal(a.status, 201)
    const h = a.body as Host
    assert.deepEqual(
      [h.fqdn, h.owner, h.dnsTtl, h.expiryTtl, h.lan, h.group],
      [
        `home.${ZONE}`,
        'alice',
        120,
        86400,
        { ipv4: '192.168.1.10', ipv6: null },
        { name: 'home', iid: '::1:2' },
      ],
    )
  })

  const refused: [string, object, number, string][] = [
    ['a name outside the served zones', { fqdn: 'x.elsewhere.example' }, 422, 'invalid_value'],
    ['an existing name', { fqdn: `home.${ZONE}` }, 409, 'host_exists'],
    [
      'a LAN address of the wrong family',
      { fqdn: `n1.${ZONE}`, lan: { ipv4: '::1' } },
      422,
      'invalid_value',
    ],
    ['a TTL out of range', { fqdn: `n2.${ZONE}`, dnsTtl: 0 }, 400, 'invalid_request'],
    [
      'a missing group',
      { fqdn: `n3.${ZONE}`, group: { name: 'nope', iid: '::1' } },
      404,
      'group_not_found',
    ],
    [
      'a bad interface id',
      { fqdn: `n4.${ZONE}`, group: { name: 'home', iid: 'zz' } },
      422,
      'invalid_value',
    ],
    ['another owner (non-admin)', { fqdn: `n5.${ZONE}`, owner: 'bob' }, 403, 'forbidden'],
  ]
  for (const [what, body, status, code] of refused) {
    it(`refuses ${what} and creates nothing`, async () => {
      const before = await hostNames()
      const a = await f.call('POST', '/hosts', { token: alice, body })
      assert.equal(a.status, status)
      assert.equal(errorCode(a), code)
      assert.deepEqual(await hostNames(), before)
    })
  }

  it('hides another user’s group from a non-admin', async () => {
    const a = await f.call('POST', '/hosts', {
      token: bob,
      body: { fqdn: `b1.${ZONE}`, group: { name: 'home', iid: '::1' } },
    })
    assert.equal(errorCode(a), 'group_not_found')
    assert.ok(!(await hostNames()).includes(`b1.${ZONE}`))
  })

  it('lets an admin create a host for another user', async () => {
    const a = await f.call('POST', '/hosts', {
      token: root,
      body: { fqdn: `bob.${ZONE}`, owner: 'bob' },
    })
    assert.equal(a.status, 201)
    assert.equal((a.body as Host).owner, 'bob')
  })

  it('keeps each user to their own hosts', async () => {
    const mine = await f.call('GET', '/hosts', { token: bob })
    assert.deepEqual(
      (mine.body as { items: Host[] }).items.map((h) => h.fqdn),
      [`bob.${ZONE}`],
    )
    const spying = await f.call('GET', '/hosts?owner=alice', { token: bob })
    assert.deepEqual((spying.body as { items: Host[] }).items, [])
    for (const [method, path, body] of [
      ['GET', `/hosts/home.${ZONE}`, undefined],
      ['PATCH', `/hosts/home.${ZONE}`, { dnsTtl: 30 }],
      ['DELETE', `/hosts/home.${ZONE}`, undefined],
      ['GET', `/hosts/home.${ZONE}/records`, undefined],
      ['PUT', `/hosts/home.${ZONE}/records`, { A: '192.0.2.66' }],
      ['DELETE', `/hosts/home.${ZONE}/records`, undefined],
      ['GET', `/hosts/home.${ZONE}/history`, undefined],
    ] as const) {
      const a = await f.call(method, path, { token: bob, body })
      assert.equal(a.status, 404, `${method} ${path}`)
      assert.equal(errorCode(a), 'host_not_found')
    }
    const h = await f.call('GET', `/hosts/home.${ZONE}`, { token: alice })
    assert.equal((h.body as Host).dnsTtl, 120)
    assert.equal((h.body as { ipv4: string | null }).ipv4, null)
  })

  it('lets an admin see every host and filter by owner', async () => {
    const all = await f.call('GET', '/hosts', { token: root })
    assert.equal((all.body as { items: Host[] }).items.length, 2)
    const bobs = await f.call('GET', '/hosts?owner=bob', { token: root })
    assert.deepEqual(
      (bobs.body as { items: Host[] }).items.map((h) => h.owner),
      ['bob'],
    )
  })

  it('changes TTLs, LAN addresses and group, and bumps the zone serial for a DNS TTL', async () => {
    const zones = async () =>
      (await f.call('GET', '/zones', { token: alice })).body as {
        items: { name: string; serial: number }[]
      }
    const serial = (await zones()).items.find((z) => z.name === ZONE)?.serial ?? 0
    const a = await f.call('PATCH', `/hosts/home.${ZONE}`, {
      token: alice,
      body: { dnsTtl: null, expiryTtl: 0, lan: { ipv4: null, ipv6: 'fd00::10' }, group: null },
    })
    assert.equal(a.status, 200)
    const h = a.body as Host
    assert.deepEqual(
      [h.dnsTtl, h.expiryTtl, h.lan, h.group],
      [null, 0, { ipv4: null, ipv6: 'fd00::10' }, null],
    )
    const after = (await zones()).items.find((z) => z.name === ZONE)?.serial ?? 0
    assert.ok(after > serial, `serial ${String(after)} > ${String(serial)}`)
  })

  it('refuses a bad change as a whole', async () => {
    const a = await f.call('PATCH', `/hosts/home.${ZONE}`, {
      token: alice,
      body: { dnsTtl: 300, lan: { ipv4: 'not-an-address' } },
    })
    assert.equal(a.status, 422)
    const h = (await f.call('GET', `/hosts/home.${ZONE}`, { token: alice })).body as Host
    assert.equal(h.dnsTtl, null)
    const g = await f.call('PATCH', `/hosts/home.${ZONE}`, {
      token: alice,
      body: { dnsTtl: 300, group: { name: 'home', iid: 'bad' } },
    })
    assert.equal(g.status, 422)
    const h2 = (await f.call('GET', `/hosts/home.${ZONE}`, { token: alice })).body as Host
    assert.deepEqual([h2.dnsTtl, h2.group], [null, null])
  })

  it('leaves the host as it was when a write fails half-way', async () => {
    const read = async () => {
      const h = (await f.call('GET', `/hosts/home.${ZONE}`, { token: alice })).body as Host
      return [h.dnsTtl, h.expiryTtl, h.lan, h.group]
    }
    const before = await read()
    // The zone serial bump (which follows the host row's update) fails.
    await sql`CREATE TRIGGER fail_serial BEFORE UPDATE OF serial ON zones
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`.execute(f.context.db)
    try {
      const a = await f.call('PATCH', `/hosts/home.${ZONE}`, {
        token: alice,
        body: {
          dnsTtl: 300,
          expiryTtl: 60,
          lan: { ipv4: '192.168.1.20' },
          group: { name: 'home', iid: '::1:5' },
        },
      })
      assert.equal(a.status, 500)
    } finally {
      await sql`DROP TRIGGER fail_serial`.execute(f.context.db)
    }
    assert.deepEqual(await read(), before)
  })

  it('deletes a host', async () => {
    const a = await f.call('DELETE', `/hosts/bob.${ZONE}`, { token: bob })
    assert.equal(a.status, 204)
    assert.ok(!(await hostNames()).includes(`bob.${ZONE}`))
    assert.equal((await f.call('DELETE', `/hosts/bob.${ZONE}`, { token: bob })).status, 404)
  })

  it('pages hosts', async () => {
    for (const n of ['p1', 'p2', 'p3']) {
      const a = await f.call('POST', '/hosts', { token: bob, body: { fqdn: `${n}.${ZONE}` } })
      assert.equal(a.status, 201)
    }
    const seen: string[] = []
    let next: string | null = null
    do {
      const cursor: string = next === null ? '' : `&cursor=${next}`
      const page = (await f.call('GET', `/hosts?limit=2${cursor}`, { token: bob })).body as {
        items: Host[]
        next: string | null
      }
      seen.push(...page.items.map((h) => h.fqdn))
      next = page.next
    } while (next !== null)
    assert.deepEqual(seen, [`p1.${ZONE}`, `p2.${ZONE}`, `p3.${ZONE}`])
  })
})
