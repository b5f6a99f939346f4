import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect, type AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import type { AuditEvent } from '../core/audit.ts'
import { createLogger } from '../observability/logger.ts'
import { buildHttpApp } from './app.ts'
import { noteAudit } from './audit-hook.ts'
import { createClientIp } from './client-ip.ts'
import { FakeUpdateService } from '../../test/fakes/update-service.ts'

// The app as the server builds it, with routes added afterwards that know nothing of the
// audit trail: the hook must still see them (a new door cannot be left out).
function appWithTrail() {
  const events: AuditEvent[] = []
  const app = buildHttpApp({
    dialects: [],
    // No dialects: nothing calls the update service.
    updates: new FakeUpdateService(),
    logger: createLogger('silent'),
    clientIp: createClientIp({ header: 'X-Forwarded-For', trusted: [] }),
    audit: { record: (e) => events.push(e) },
  })
  app.post('/new-door/:name', (_req, reply) => reply.status(201).send('made'))
  app.get('/read', (_req, reply) => reply.send('fine'))
  app.get('/refused', (_req, reply) => reply.status(401).send('no'))
  app.post('/secret/:token', (_req, reply) => reply.send('x'))
  app.post('/files/*', (_req, reply) => reply.send('x'))
  app.post('/named', (req, reply) => {
    noteAudit(req, { actor: 'alice', action: 'login' })
    return reply.status(303).send()
  })
  app.post('/quiet', { config: { audit: false } }, (_req, reply) => reply.send('q'))
  app.post('/slow', async (_req, reply) => {
    await new Promise((resolve) => setTimeout(resolve, 150))
    return reply.status(401).send('no')
  })
  return { app, events }
}

void describe('audit hook', () => {
  void it('audits every change and every refusal, whatever route it is', async () => {
    const { app, events } = appWithTrail()
    await app.inject({ method: 'POST', url: '/new-door/bob' })
    await app.inject({ method: 'GET', url: '/read' })
    await app.inject({ method: 'GET', url: '/refused' })
    await app.inject({ method: 'POST', url: '/named' })
    await app.inject({ method: 'POST', url: '/quiet' })
    assert.deepEqual(events, [
      {
        action: 'POST /new-door/:name',
        result: 'ok',
        actor: null,
        source: '127.0.0.1',
        target: 'name=bob',
        status: 201,
      },
      {
        action: 'GET /refused',
        result: 'denied',
        actor: null,
        source: '127.0.0.1',
        target: null,
        status: 401,
      },
      {
        action: 'login',
        result: 'ok',
        actor: 'alice',
        source: '127.0.0.1',
        target: null,
        status: 303,
      },
    ])
  })

  void it('never keeps a route parameter named like a secret', async () => {
    const { app, events } = appWithTrail()
    await app.inject({ method: 'POST', url: '/secret/abcdefabcdefabcdefabcdef' })
    // A wildcard's rest of the path may be a secret URL, matched by a route or by none.
    await app.inject({ method: 'POST', url: '/files/abcdefabcdefabcdefabcdef' })
    await app.inject({ method: 'POST', url: '/abcdefabcdefabcdefabcdef' })
    assert.deepEqual(
      events.map((e) => [e.action, e.target]),
      [
        ['POST /secret/:token', null],
        ['POST /files/*', null],
        ['POST (unknown)', null],
      ],
    )
  })

  void it('audits a change sent to no route', async () => {
    const { app, events } = appWithTrail()
    await app.inject({ method: 'POST', url: '/no/such/route' })
    await app.inject({ method: 'GET', url: '/no/such/page' })
    assert.deepEqual(
      events.map((e) => [e.action, e.result, e.status, e.target]),
      [['POST (unknown)', 'refused', 404, null]],
    )
  })

  void it('audits a refusal whose client hung up before the answer', async () => {
    const { app, events } = appWithTrail()
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { port } = app.server.address() as AddressInfo
      const socket = connect(port, '127.0.0.1')
      await once(socket, 'connect')
      socket.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n')
      await new Promise((resolve) => setTimeout(resolve, 30))
      socket.destroy()
      await new Promise((resolve) => setTimeout(resolve, 400))
      assert.deepEqual(
        events.map((e) => [e.action, e.result, e.status]),
        [['POST /slow', 'denied', 401]],
      )
    } finally {
      await app.close()
    }
  })
})
