import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import { DEFAULT_ALIASES } from './dyndns2/aliases.ts'
import { createDialects, DEFAULT_ENDPOINTS } from './registry.ts'
import { testRequest } from '../../test/fakes/dialect-requests.ts'

const base = { sftdynPrefix: '/', duckdnsZone: 'dyn.example' as Fqdn, now: () => new Date(0) }

function routeTable(dialects: ReturnType<typeof createDialects>): string[] {
  return dialects.flatMap((d) => d.routes.map((r) => `${r.method} ${r.path} ${d.name}`))
}

describe('dialect registry', () => {
  it('mounts every dialect once per route', () => {
    const routes = routeTable(createDialects({ ...base, endpoints: DEFAULT_ENDPOINTS }))
    assert.equal(new Set(routes.map((r) => r.split(' ').slice(0, 2).join(' '))).size, routes.length)
    for (const expected of [
      'GET /nic/update dyndns2',
      'POST /v3/update dyndns2',
      'GET /update dyndns2',
      'GET /update/:domain/:token duckdns',
      'POST /update/:domain django',
      'GET /register_ip dyndns53',
      'GET /api/update dynv6',
      'GET /checkip checkip',
      'GET /* sftdyn',
    ]) {
      assert.ok(routes.includes(expected), expected)
    }
  })

  it('dispatches /update to DuckDNS on domains=, else DynDNS2', () => {
    const update = createDialects({ ...base, endpoints: DEFAULT_ENDPOINTS }).find((d) =>
      d.routes.some((r) => r.path === '/update'),
    )
    assert.ok(update !== undefined)
    const duck = testRequest({ path: '/update', query: { domains: 'a', token: 'T' } })
    const dyn = testRequest({ path: '/update', query: { hostname: 'a.dyn.example' } })
    const nameFor = update.nameFor?.bind(update)
    assert.ok(nameFor !== undefined)
    assert.deepEqual([nameFor(duck), nameFor(dyn)], ['duckdns', 'dyndns2'])
    assert.equal(update.render({ kind: 'rejected', code: 'badauth', message: '' }, duck).body, 'KO')
    assert.equal(
      update.render({ kind: 'rejected', code: 'badauth', message: '' }, dyn).body,
      'badauth',
    )
  })

  it('serves configured endpoints with their aliases, DuckDNS still on /update', () => {
    const dialects = createDialects({
      ...base,
      endpoints: [
        { path: '/dyn', aliases: { ...DEFAULT_ALIASES, hostname: ['host', 'domain'], myip: [] } },
      ],
    })
    const routes = routeTable(dialects)
    assert.ok(routes.includes('GET /dyn dyndns2'))
    assert.ok(!routes.some((r) => r.startsWith('GET /nic/update')))
    assert.ok(routes.includes('GET /update duckdns'))
    const dyn = dialects.find((d) => d.routes.some((r) => r.path === '/dyn'))
    const r = dyn?.parse(testRequest({ query: { domain: 'a.dyn.example', myip: '192.0.2.1' } }))
    assert.ok(r?.ok)
    assert.deepEqual(r.value.hostnames, ['a.dyn.example'])
    // `myip` is disabled: the source address is used instead.
    assert.deepEqual(r.value.ipv4, { kind: 'auto' })
  })
})
