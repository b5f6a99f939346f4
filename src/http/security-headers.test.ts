import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import {
  HSTS_VALUE,
  HTML_CSP,
  MAX_QUERY_PARAMS,
  registerRequestLimits,
  registerSecurityHeaders,
} from './security-headers.ts'

function app(https: boolean) {
  const a = Fastify()
  registerRequestLimits(a)
  registerSecurityHeaders(a, https)
  a.get('/nic/update', (_req, reply) => reply.status(200).type('text/plain').send('good 192.0.2.1'))
  a.get('/badauth', (_req, reply) => reply.status(401).type('text/plain').send('badauth'))
  a.get('/ui', (_req, reply) => reply.type('text/html; charset=utf-8').send('<p>hi</p>'))
  a.get('/own', (_req, reply) =>
    reply.type('text/html').header('content-security-policy', "default-src 'none'").send('x'),
  )
  return a
}

describe('security headers', () => {
  it('adds the fixed headers without changing status or body', async () => {
    for (const [url, status, body] of [
      ['/nic/update', 200, 'good 192.0.2.1'],
      ['/badauth', 401, 'badauth'],
    ] as const) {
      const r = await app(false).inject({ url })
      assert.equal(r.statusCode, status)
      assert.equal(r.body, body)
      assert.equal(r.headers['x-content-type-options'], 'nosniff')
      assert.equal(r.headers['referrer-policy'], 'no-referrer')
      assert.equal(r.headers['x-frame-options'], 'DENY')
      assert.equal(r.headers['content-security-policy'], undefined, 'no CSP on plain text')
      assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over HTTP')
    }
  })
  it('adds the CSP on HTML, keeping a route’s own', async () => {
    assert.equal(
      (await app(false).inject({ url: '/ui' })).headers['content-security-policy'],
      HTML_CSP,
    )
    assert.equal(
      (await app(false).inject({ url: '/own' })).headers['content-security-policy'],
      "default-src 'none'",
    )
  })
  it('adds HSTS on the HTTPS listener only, 404s included', async () => {
    assert.equal(
      (await app(true).inject({ url: '/ui' })).headers['strict-transport-security'],
      HSTS_VALUE,
    )
    const missing = await app(true).inject({ url: '/nope' })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.headers['strict-transport-security'], HSTS_VALUE)
    assert.equal(missing.headers['x-frame-options'], 'DENY')
  })
})

describe('request limits', () => {
  it('answers CONNECT with 405 instead of a silent close', async () => {
    const a = app(false)
    await a.listen({ host: '127.0.0.1', port: 0 })
    try {
      const address = a.server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      const text = await new Promise<string>((resolve) => {
        let got = ''
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.write('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n')
        })
        socket.on('data', (d: Buffer) => (got += d.toString()))
        socket.on('close', () => {
          resolve(got)
        })
      })
      assert.match(text, /^HTTP\/1\.1 405 /)
    } finally {
      await a.close()
    }
  })
  it(`refuses more than ${MAX_QUERY_PARAMS} query parameters with 400`, async () => {
    const q = (n: number): string => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&')
    const over = await app(false).inject({ url: `/nic/update?${q(MAX_QUERY_PARAMS + 1)}` })
    assert.equal(over.statusCode, 400)
    assert.match(over.body, /too many query parameters/)
    const at = await app(false).inject({ url: `/nic/update?${q(MAX_QUERY_PARAMS)}` })
    assert.deepEqual([at.statusCode, at.body], [200, 'good 192.0.2.1'])
  })
})
