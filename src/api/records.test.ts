/** `/hosts/{fqdn}/records` and `/history`: record changes run as updates through core. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { errorCode, startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

interface Rec {
  name: string
  type: string
  value: string
  expiresAt: string | null
}
interface Changed {
  status: string
  published: boolean
  records: Rec[]
}
interface History {
  id: number
  dialect: string
  actor: string
  result: string
  refused: boolean
  reason: string | null
  oldValue: string | null
  newValue: string | null
}

describe('api records and history', () => {
  let f: ApiFixture
  let alice: string
  const host = `rec.${ZONE}`
  const put = (body: unknown) => f.call('PUT', `/hosts/${host}/records`, { token: alice, body })
  const records = async () =>
    ((await f.call('GET', `/hosts/${host}/records`, { token: alice })).body as { items: Rec[] })
      .items

  before(async () => {
    f = await startApiFixture()
    await f.user('alice')
    alice = await f.token('alice')
    const h = await f.context.accounts.addHost({ fqdn: host, owner: 'alice' })
    assert.ok(h.ok)
  })
  after(() => f.close())

  it('sets both address families and answers the records', async () => {
    const a = await put({ A: '192.0.2.10', AAAA: '2001:db8::10' })
    assert.equal(a.status, 200)
    const c = a.body as Changed
    assert.deepEqual([c.status, c.published], ['good', true])
    assert.deepEqual(
      c.records.map((r) => `${r.name} ${r.type} ${r.value}`),
      [`${host} A 192.0.2.10`, `${host} AAAA 2001:db8::10`],
    )
  })

  it('answers nochg for the same values', async () => {
    const c = (await put({ A: '192.0.2.10' })).body as Changed
    assert.equal(c.status, 'nochg')
  })

  it('keeps a family that is not named (dual-stack rule)', async () => {
    await put({ A: '192.0.2.11' })
    assert.deepEqual(
      (await records()).map((r) => r.value),
      ['192.0.2.11', '2001:db8::10'],
    )
  })

  it('adds an expiring ACME TXT value and clears it', async () => {
    const c = (await put({ TXT: 'acme-token-value-1' })).body as Changed
    const txt = c.records.find((r) => r.type === 'TXT')
    assert.ok(txt)
    assert.equal(txt.name, `_acme-challenge.${host}`)
    assert.ok(txt.expiresAt !== null && Date.parse(txt.expiresAt) > Date.now())
    await put({ TXT: null })
    assert.ok(!(await records()).some((r) => r.type === 'TXT'))
  })

  const invalid: [string, unknown, number, string][] = [
    ['an IPv6 address as A', { A: '2001:db8::1' }, 422, 'invalid_value'],
    ['garbage as AAAA', { AAAA: 'nope' }, 422, 'invalid_value'],
    ['a TXT with a control character', { TXT: 'a\u0001b' }, 422, 'invalid_value'],
    ['an unknown type', { MX: 'mail.example' }, 400, 'invalid_request'],
    ['nothing', {}, 400, 'invalid_request'],
    ['a number', { A: 7 }, 400, 'invalid_request'],
  ]
  for (const [what, body, status, code] of invalid) {
    it(`refuses ${what} and changes nothing`, async () => {
      const before = await records()
      const a = await put(body)
      assert.equal(a.status, status)
      assert.equal(errorCode(a), code)
      assert.deepEqual(await records(), before)
    })
  }

  it('refuses an address the zone’s policy refuses, and changes nothing', async () => {
    const pub = `pub.other.example`
    assert.ok((await f.context.accounts.addHost({ fqdn: pub, owner: 'alice' })).ok)
    const a = await f.call('PUT', `/hosts/${pub}/records`, {
      token: alice,
      body: { A: '10.1.2.3' },
    })
    assert.equal(a.status, 422)
    assert.match((a.body as { error: { message: string } }).error.message, /10\.1\.2\.3/)
    const after = await f.call('GET', `/hosts/${pub}/records`, { token: alice })
    assert.deepEqual((after.body as { items: unknown[] }).items, [])
  })

  it('refuses a body that is not JSON', async () => {
    const res = await f.server.http.inject({
      method: 'PUT',
      url: `/api/v1/hosts/${host}/records`,
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      payload: '{"A": ',
    })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'invalid_json')
  })

  it('removes one family with null', async () => {
    const c = (await put({ AAAA: null })).body as Changed
    assert.deepEqual(
      c.records.map((r) => r.type),
      ['A'],
    )
  })

  it('removes every record with DELETE', async () => {
    const a = await f.call('DELETE', `/hosts/${host}/records`, { token: alice })
    assert.equal(a.status, 200)
    assert.deepEqual((a.body as Changed).records, [])
  })

  it('shows the history newest first, naming the API and the token, page by page', async () => {
    const first = (await f.call('GET', `/hosts/${host}/history?limit=2`, { token: alice }))
      .body as { items: History[]; next: string | null }
    assert.equal(first.items.length, 2)
    assert.ok(first.next !== null)
    const newest = first.items[0]
    assert.ok(newest)
    assert.equal(newest.dialect, 'api')
    assert.match(newest.actor, /^alice \(token \d+\)$/)
    assert.equal(newest.newValue?.includes('192.0.2.11'), false)
    const all: History[] = [...first.items]
    let next: string | null = first.next
    while (next !== null) {
      const page = (await f.call('GET', `/hosts/${host}/history?limit=2&cursor=${next}`, {
        token: alice,
      })) as { body: { items: History[]; next: string | null } }
      all.push(...page.body.items)
      next = page.body.next
    }
    const ids = all.map((h) => h.id)
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    )
    assert.equal(new Set(ids).size, ids.length)
    assert.ok(all.some((h) => h.newValue?.includes('192.0.2.10')))
  })
})

describe('api history of refused updates', () => {
  let f: ApiFixture
  let alice: string
  // A zone held to public addresses: a private one is refused by policy.
  const host = `pub.other.example`
  let router = ''
  // A router's DynDNS2 update: refusals of the update path are recorded per host.
  const update = async (ip: string) => {
    const auth = Buffer.from(`alice:${router}`).toString('base64')
    const res = await f.server.http.inject({
      url: `/nic/update?hostname=${host}&myip=${ip}`,
      headers: { authorization: `Basic ${auth}` },
    })
    return res.body
  }
  const history = async (query: string) =>
    (await f.call('GET', `/hosts/${host}/history${query}`, { token: alice })).body as {
      items: History[]
      next: string | null
    }

  before(async () => {
    f = await startApiFixture()
    await f.user('alice')
    alice = await f.token('alice')
    router = await f.token('alice', 'address')
    assert.ok((await f.context.accounts.addHost({ fqdn: host, owner: 'alice' })).ok)
  })
  after(() => f.close())

  it('lists refused updates with their reason among the changes, in time, page by page', async () => {
    assert.equal(await update('8.8.8.8'), 'good 8.8.8.8')
    assert.match(await update('10.0.0.1'), /^badip/)
    assert.equal(await update('8.8.4.4'), 'good 8.8.4.4')
    const all = (await history('')).items
    assert.deepEqual(
      all.map((h) => [h.refused, h.result, h.oldValue === null, h.reason === null]),
      [
        [false, 'good', false, true],
        [true, 'badip', true, false],
        [false, 'good', false, true],
      ],
    )
    assert.match(all[1]?.reason ?? '', /10\.0\.0\.1|public|private/)
    const paged: History[] = []
    let next: string | null = ''
    while (next !== null) {
      const page = await history(`?limit=1${next === '' ? '' : `&cursor=${next}`}`)
      paged.push(...page.items)
      next = page.next
    }
    assert.deepEqual(paged, all)
    const bad = await f.call('GET', `/hosts/${host}/history?cursor=djEAMTIz`, { token: alice })
    assert.equal(errorCode(bad), 'invalid_cursor')
  })
})

describe('api record changes under the update rate limits', () => {
  let f: ApiFixture
  let alice: string
  const host = `limited.${ZONE}`
  // Two successes per window per address and account; loopback (the test's address) counts.
  before(async () => {
    f = await startApiFixture({ rate_limit: { exempt: [], good_max: 2 } })
    await f.user('alice')
    alice = await f.token('alice')
    assert.ok((await f.context.accounts.addHost({ fqdn: host, owner: 'alice' })).ok)
  })
  after(() => f.close())

  it('refuses changes past the budget with rate_limited and Retry-After', async () => {
    const put = (n: number) =>
      f.call('PUT', `/hosts/${host}/records`, { token: alice, body: { A: `192.0.2.${n}` } })
    assert.equal((await put(1)).status, 200)
    assert.equal((await put(2)).status, 200)
    const third = await put(3)
    assert.equal(third.status, 429)
    assert.equal(errorCode(third), 'rate_limited')
    assert.ok(Number(third.headers['retry-after']) >= 1, String(third.headers['retry-after']))
    const del = await f.call('DELETE', `/hosts/${host}/records`, { token: alice })
    assert.equal(errorCode(del), 'rate_limited')
    const records = await f.call('GET', `/hosts/${host}/records`, { token: alice })
    assert.deepEqual(
      (records.body as { items: Rec[] }).items.map((r) => r.value),
      ['192.0.2.2'],
      'the refused changes were not applied',
    )
  })
})
