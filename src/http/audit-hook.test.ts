import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AuditEvent } from '../core/audit.ts'
import type { UpdateService } from '../core/update-service.ts'
import { createLogger } from '../observability/logger.ts'
import { buildHttpApp } from './app.ts'
import { noteAudit } from './audit-hook.ts'
import { createClientIp } from './client-ip.ts'

// The app as the server builds it, with routes added afterwards that know nothing of the
// audit trail: the hook must still see them (a new door cannot be left out).
function appWithTrail() {
  const events: AuditEvent[] = []
  const app = buildHttpApp({
    dialects: [],
    // No dialects: nothing calls the update service.
    updates: null as unknown as UpdateService,
    logger: createLogger('silent'),
    clientIp: createClientIp({ header: 'X-Forwarded-For', trusted: [] }),
    audit: { record: (e) => events.push(e) },
  })
  app.post('/new-door/:name', (_req, reply) => reply.status(201).send('made'))
  app.get('/read', (_req, reply) => reply.send('fine'))
  app.get('/refused', (_req, reply) => reply.status(401).send('no'))
  app.post('/secret/:token', (_req, reply) => reply.send('x'))
  app.post('/named', (req, reply) => {
    noteAudit(req, { actor: 'alice', action: 'login' })
    return reply.status(303).send()
  })
  app.post('/quiet', { config: { audit: false } }, (_req, reply) => reply.send('q'))
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
    assert.equal(events.length, 1)
    assert.equal(events[0]?.target, null)
  })
})
