/**
 * Hostile input to every API route: odd bodies, content types, encodings and repeated
 * parameters. Every answer is a catalogue error below 500 (the fixture checks the shape)
 * and the database is unchanged.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { apiRoutes } from './register.ts'
import { startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

const BODIES: [string, string][] = [
  ['application/json', '[]'],
  ['application/json', 'null'],
  ['application/json', '"text"'],
  ['application/json', '{"__proto__": {"admin": true}}'],
  ['application/json', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['application/json', '{"fqdn": "\u0000.dyn.example"}'],
  ['application/x-www-form-urlencoded', 'fqdn=x.dyn.example&scope=api'],
  ['text/plain', 'hello'],
]
const SEGMENTS = ['%', '%zz', '%00', '..', `${'a'.repeat(300)}.${ZONE}`, '%2e%2e%2fusers', '-1']
const QUERIES = ['limit=1&limit=2', 'limit=-5', 'limit=abc', 'cursor=%ff', 'cursor=&limit=', 'x=1']

describe('api under hostile input', () => {
  let f: ApiFixture
  let token: string

  before(async () => {
    f = await startApiFixture()
    await f.user('root', { admin: true })
    token = await f.token('root')
  })
  after(() => f.close())

  const snapshot = async (): Promise<string> => {
    const users = await f.context.accounts.listUsers()
    const hosts = await f.context.accounts.listHosts()
    const tokens = await f.context.accounts.listTokens()
    return JSON.stringify([users, hosts, tokens.map((t) => ({ ...t, lastUsedAt: null }))])
  }

  // A broken percent-encoding is refused by the router before any route (Fastify's own 400).
  const shape = (path: string, res: { statusCode: number; body: string }): void => {
    assert.ok(res.statusCode < 500, `${path}: ${res.body.slice(0, 300)}`)
    if (res.statusCode < 400) return
    const body = JSON.parse(res.body) as { error?: { code?: unknown }; code?: string }
    if (body.code === 'FST_ERR_BAD_URL') return
    assert.equal(typeof body.error?.code, 'string', `${path}: ${res.body.slice(0, 300)}`)
  }

  it('answers every route and input below 500, changing nothing', async () => {
    const before = await snapshot()
    let requests = 0
    for (const route of apiRoutes(f.deps)) {
      for (const segment of SEGMENTS) {
        const path = `/api/v1${route.path.replace(/\{[a-zA-Z]+\}/g, segment)}`
        const headers = { authorization: `Bearer ${token}` }
        for (const [type, payload] of route.method === 'GET' ? [] : BODIES) {
          const res = await f.server.http.inject({
            method: route.method,
            url: path,
            headers: { ...headers, 'content-type': type },
            payload,
          })
          requests++
          shape(`${route.method} ${path} ${type}`, res)
        }
        for (const q of QUERIES) {
          const res = await f.server.http.inject({
            method: route.method,
            url: `${path}?${q}`,
            headers,
          })
          requests++
          shape(`${route.method} ${path}?${q}`, res)
        }
      }
    }
    assert.ok(requests > 500, String(requests))
    assert.equal(await snapshot(), before)
  })
})
