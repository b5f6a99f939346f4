/**
 * The OpenAPI document matches the registered routes both ways, its answers' schemas accept
 * what the API really answers, and the README documents every error code.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import Fastify from 'fastify'
import { z } from 'zod'
import { API_ERRORS } from './errors.ts'
import { API_PREFIX } from './openapi.ts'
import { apiRoutes, registerApiRoutes, type ApiDeps } from './register.ts'
import { host, pageOfSchema } from './schemas.ts'
import { startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'

type Doc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }

describe('api OpenAPI document', () => {
  let f: ApiFixture
  let deps: ApiDeps
  let doc: Doc

  before(async () => {
    f = await startApiFixture()
    deps = f.deps
    doc = (await f.call('GET', '/openapi.json')).body as Doc
  })
  after(() => f.close())

  it('lists exactly the registered routes', async () => {
    const app = Fastify()
    const registered: string[] = []
    app.addHook('onRoute', (r) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method]
      // The catch-alls (`/api/v1`, `/api/v1/*`) only answer `route_not_found`.
      if (
        r.url.startsWith(`${API_PREFIX}/`) &&
        !r.url.endsWith('/*') &&
        r.url !== `${API_PREFIX}/`
      ) {
        for (const m of methods) registered.push(`${m.toLowerCase()} ${r.url}`)
      }
    })
    registerApiRoutes(app, deps)
    await app.ready()
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path.replace(/\{([a-zA-Z]+)\}/g, ':$1')}`),
    )
    assert.deepEqual([...registered].sort(), [...documented].sort())
    assert.ok(documented.length >= 19, `${String(documented.length)} operations`)
    await app.close()
  })

  it('is mounted by the server for every documented operation', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{([a-zA-Z]+)\}/g, ':$1')
        assert.ok(f.server.http.hasRoute({ method: method.toUpperCase(), url }), `${method} ${url}`)
      }
    }
  })

  it('documents a success and the error answers of every operation', () => {
    for (const route of apiRoutes(deps)) {
      const op = doc.paths[`${API_PREFIX}${route.path}`]?.[route.method.toLowerCase()]
      assert.ok(op, route.path)
      assert.ok(op.responses[String(route.status)], `${route.path} ${String(route.status)}`)
      for (const code of route.errors) {
        assert.ok(op.responses[String(API_ERRORS[code][0])], `${route.path} ${code}`)
      }
      if (!route.public) assert.ok(op.responses['401'], `${route.path} 401`)
    }
  })

  it('describes real answers (a host list validates against its schema)', async () => {
    await f.user('owner')
    const token = await f.token('owner')
    await f.call('POST', '/hosts', { token, body: { fqdn: `doc.${ZONE}` } })
    await f.call('PUT', `/hosts/doc.${ZONE}/records`, { token, body: { A: '192.0.2.1' } })
    const a = await f.call('GET', '/hosts', { token })
    const parsed = pageOfSchema(host).strict().safeParse(a.body)
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
    const schema = (doc.paths[`${API_PREFIX}/hosts`]?.get?.responses['200'] ?? {}) as {
      content: { 'application/json': { schema: { properties: Record<string, unknown> } } }
    }
    const props = schema.content['application/json'].schema.properties
    assert.deepEqual(Object.keys(props).sort(), ['items', 'next'])
    assert.ok(z.object({ items: z.array(z.unknown()) }).safeParse(a.body).success)
  })

  it('declares each path template parameter, and only those, as a path parameter', () => {
    const full = doc as unknown as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>>
    }
    for (const [path, ops] of Object.entries(full.paths)) {
      const template = [...path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort()
      for (const [method, op] of Object.entries(ops)) {
        const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name)
        assert.deepEqual(declared.sort(), template, `${method} ${path}`)
      }
    }
  })

  it('has every error code in the README', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8')
    for (const [code, [status]] of Object.entries(API_ERRORS)) {
      assert.match(readme, new RegExp(`\\| \`${code}\` \\| ${String(status)} \\|`), code)
    }
  })
})
