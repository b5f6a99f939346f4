/** `/zones/{zone}/records`: static records of every type, admins and owners, through core. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { errorCode, startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

interface RRset {
  name: string
  type: string
  ttl: number
  values: string[]
  ownerHostId: number | null
}

describe('api static records', () => {
  let f: ApiFixture
  let root: string
  let alice: string
  let bob: string
  const home = `home.${ZONE}`
  const base = `/zones/${ZONE}/records`
  const add = (token: string, body: object) => f.call('POST', base, { token, body })
  const list = async (token: string, query = ''): Promise<RRset[]> =>
    ((await f.call('GET', `${base}${query}`, { token })).body as { items: RRset[] }).items
  const lines = (sets: RRset[]) => sets.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`)

  before(async () => {
    f = await startApiFixture()
    await f.user('root', { admin: true })
    await f.user('alice')
    await f.user('bob')
    root = await f.token('root')
    alice = await f.token('alice')
    bob = await f.token('bob')
    assert.ok((await f.context.accounts.addHost({ fqdn: home, owner: 'alice' })).ok)
    assert.ok((await f.context.accounts.addHost({ fqdn: `work.${ZONE}`, owner: 'bob' })).ok)
  })
  after(() => f.close())

  it('lets an admin add records of any type anywhere the rules allow', async () => {
    const mx = await add(root, { name: ZONE, type: 'MX', value: '10 mail.example.net' })
    assert.equal(mx.status, 201)
    const body = mx.body as { serial: number; replace: RRset[] }
    assert.deepEqual(lines(body.replace), [`${ZONE} MX 10 mail.example.net`])
    assert.ok(body.serial > 0)
    for (const [name, type, value] of [
      [`www.${ZONE}`, 'CNAME', 'web.example.net.'],
      [`_sip._tcp.${ZONE}`, 'SRV', '0 5 5060 sip.example.net'],
      [ZONE, 'CAA', '0 issue "ca.example.net"'],
      [`sub.${ZONE}`, 'NS', 'ns1.example.net'],
      [`sub.${ZONE}`, 'DS', `12345 13 2 ${'ab'.repeat(32)}`],
    ]) {
      const r = await add(root, { name, type, ttl: 300, value })
      assert.equal(r.status, 201, `${name} ${type}: ${JSON.stringify(r.body)}`)
    }
    assert.deepEqual(lines(await list(root, '?type=MX')), [`${ZONE} MX 10 mail.example.net`])
    assert.equal((await list(root)).length, 6)
  })

  it('pages the list by name and type', async () => {
    const first = await f.call('GET', `${base}?limit=4`, { token: root })
    const page = first.body as { items: RRset[]; next: string | null }
    assert.equal(page.items.length, 4)
    assert.ok(page.next !== null)
    const rest = await f.call('GET', `${base}?limit=4&cursor=${page.next}`, { token: root })
    const second = rest.body as { items: RRset[]; next: string | null }
    assert.equal(second.items.length, 2)
    assert.equal(second.next, null)
    const all = [...page.items, ...second.items].map((s) => `${s.name} ${s.type}`)
    assert.equal(new Set(all).size, 6)
  })

  it('refuses a CNAME beside other data, naming the record, and changes nothing', async () => {
    const before = await list(root)
    const r = await add(root, { name: ZONE, type: 'CNAME', value: 'other.example.net' })
    assert.equal(r.status, 422)
    assert.equal(errorCode(r), 'invalid_value')
    assert.match((r.body as { error: { message: string } }).error.message, /dyn\.example\. CNAME/)
    assert.deepEqual(await list(root), before)
  })

  it('lets an owner write at and below their host, and nowhere else', async () => {
    const at = await add(alice, { name: home, type: 'MX', value: '10 mx.example.net' })
    assert.equal(at.status, 201, JSON.stringify(at.body))
    const below = await add(alice, { name: `*.${home}`, type: 'A', value: '192.0.2.7' })
    assert.equal(below.status, 201, JSON.stringify(below.body))
    const refused: [string, string, string][] = [
      [`x.${home}`, 'NS', 'ns1.example.net'],
      [`w.work.${ZONE}`, 'TXT', '"not mine"'],
      [`free.${ZONE}`, 'TXT', '"not below my host"'],
      [home, 'A', '192.0.2.8'],
    ]
    for (const [name, type, value] of refused) {
      const r = await add(alice, { name, type, value })
      assert.equal(errorCode(r), 'record_forbidden', `${name} ${type}: ${JSON.stringify(r.body)}`)
    }
    assert.deepEqual(lines(await list(alice)).sort(), [
      `*.${home} A 192.0.2.7`,
      `${home} MX 10 mx.example.net`,
    ])
    assert.deepEqual(await list(bob), [])
  })

  it('replaces an RRset whole and deletes one value, then the RRset', async () => {
    const path = `${base}/${home}/MX`
    const put = await f.call('PUT', path, {
      token: alice,
      body: { ttl: 120, values: ['10 a.example.net', '20 b.example.net'] },
    })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    assert.deepEqual(lines((put.body as { replace: RRset[] }).replace), [
      `${home} MX 10 a.example.net,20 b.example.net`,
    ])
    const one = await f.call('DELETE', `${path}?value=${encodeURIComponent('20 b.example.net')}`, {
      token: alice,
    })
    assert.equal(one.status, 200)
    assert.deepEqual(lines(await list(alice, '?type=MX')), [`${home} MX 10 a.example.net`])
    assert.equal((await f.call('DELETE', path, { token: alice })).status, 200)
    assert.deepEqual(await list(alice, '?type=MX'), [])
    const missing = await f.call('DELETE', path, { token: alice })
    assert.equal(errorCode(missing), 'record_not_found')
  })

  it('keeps bob out of alice’s records', async () => {
    const r = await f.call('DELETE', `${base}/${encodeURIComponent(`*.${home}`)}/A`, {
      token: bob,
    })
    assert.equal(errorCode(r), 'record_forbidden')
  })

  it('answers zone_not_found for a zone not served and invalid_request for a bad type', async () => {
    const z = await f.call('GET', '/zones/nowhere.example/records', { token: root })
    assert.equal(errorCode(z), 'zone_not_found')
    const t = await add(root, { name: ZONE, type: 'SPF', value: '"v=spf1"' })
    assert.equal(errorCode(t), 'invalid_request')
  })
})
