/**
 * What the update routes record, in-process through `inject()` (the app over fakes:
 * test/fakes/http-app.ts): update routes left out of the audit trail and other routes in,
 * the `update`, `request` and `service request` log lines (never a URL or a secret), and an
 * error thrown by the update service answered in the dialect's own words and logged with the
 * request's id, nothing of it reaching the client.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import type { Fqdn } from '../core/names.ts'
import { hosts } from '../../test/fakes/dialect-requests.ts'
import {
  basic,
  CLIENT,
  FORM,
  HOST,
  TOKEN,
  TXT,
  updateApp,
  ZONE,
} from '../../test/fakes/http-app.ts'
import { rejection } from '../../test/fakes/update-service.ts'

void describe('what the update routes record', () => {
  void it('leaves update routes out of the audit trail, other routes in', async () => {
    const { updates, events, send } = updateApp()
    updates.answer = rejection('badauth')
    const refused = [
      await send({ url: `/nic/update?hostname=${HOST}&password=wrong` }),
      await send({ method: 'POST', url: '/nic/update', headers: FORM, payload: 'password=x' }),
      await send({ method: 'POST', url: `/update/${HOST}/`, headers: FORM, payload: 'key=x' }),
      await send({ url: '/register_ip', headers: { authorization: basic(HOST, 'x') } }),
    ]
    assert.deepEqual(
      refused.map((r) => r.statusCode),
      [401, 401, 403, 401],
    )
    assert.deepEqual(events, [])
    await send({
      method: 'POST',
      url: '/register?host=home',
      headers: { authorization: basic('alice', 'x') },
    })
    await send({ method: 'POST', url: `/${TOKEN}` })
    assert.deepEqual(events, [
      {
        action: 'POST /register',
        result: 'denied',
        actor: null,
        source: CLIENT,
        target: null,
        status: 401,
      },
      {
        action: 'POST (unknown)',
        result: 'refused',
        actor: null,
        source: CLIENT,
        target: null,
        status: 404,
      },
    ])
  })

  void describe('log lines', () => {
    void it('logs one update line per update: dialect, client, status, hosts or refusal', async () => {
      const { updates, logged, send } = updateApp()
      updates.answer = (i) =>
        hosts(
          { hostname: i.hostnames[0] ?? '', fqdn: HOST as Fqdn, status: 'good', ipv4: '192.0.2.1' },
          { hostname: 'x', status: 'notfqdn' },
        )
      // The host by its name (the fqdn core found), not as the client wrote it.
      await send({ url: `/nic/update?hostname=HOME.${ZONE},x&myip=192.0.2.1&password=${TOKEN}` })
      updates.answer = rejection('badauth')
      await send({ url: `/api/update?hostname=${HOST}&token=wrong` })
      // Refused by the dialect: the service never sees it.
      await send({ url: `/nic/update?hostname=${HOST}&myip=1.2.3.999&password=${TOKEN}` })
      const lines = logged('update').map(({ time: _t, pid: _p, hostname: _h, ms, ...l }) => {
        assert.equal(typeof ms, 'number')
        return l
      })
      assert.deepEqual(lines, [
        {
          level: 30,
          name: 'dynzone',
          msg: 'update',
          dialect: 'dyndns2',
          client: CLIENT,
          status: 200,
          hosts: [
            { host: HOST, result: 'good' },
            { host: 'x', result: 'notfqdn' },
          ],
        },
        {
          level: 30,
          name: 'dynzone',
          msg: 'update',
          dialect: 'dynv6',
          client: CLIENT,
          status: 401,
          result: 'badauth',
        },
        {
          level: 30,
          name: 'dynzone',
          msg: 'update',
          dialect: 'dyndns2',
          client: CLIENT,
          status: 400,
          result: 'badip',
        },
      ])
      assert.equal(updates.intents.length, 2)
    })

    void it('logs one request line per request: the route pattern, never the URL', async () => {
      const { lines, logged, send } = updateApp()
      await send({ url: `/update/home/${TOKEN}/192.0.2.42` })
      await send({ url: `/${TOKEN}` })
      await send({ url: '/secret.php?password=hunter2' })
      await send({
        method: 'POST',
        url: '/register',
        headers: { authorization: basic('a', TOKEN) },
      })
      const requests = logged('request').map((l) => {
        assert.equal(typeof l['ms'], 'number')
        return [l['method'], l['route'], l['status']]
      })
      assert.deepEqual(requests, [
        ['GET', '/update/:domain/:token/:ip', 200],
        ['GET', '/*', 200],
        ['GET', '(no route)', 404],
        ['POST', '/register', 201],
      ])
      assert.deepEqual(
        logged('service request').map((l) => [l['route'], l['status']]),
        [['/register', 201]],
      )
      const text = JSON.stringify(lines)
      for (const secret of [TOKEN, 'hunter2', 'password='])
        assert.ok(!text.includes(secret), `${secret} reached the log`)
    })

    void it('logs no request line unless asked to', async () => {
      const { logged, send } = updateApp({ logRequests: false })
      await send({ url: `/${TOKEN}` })
      assert.deepEqual([logged('request').length, logged('update').length], [0, 1])
    })
  })

  void describe('an error thrown by the update service', () => {
    // The dialect's own failure reply; nothing of the error reaches the client.
    const table: [string, InjectOptions, number, string][] = [
      ['dyndns2', { url: `/nic/update?hostname=${HOST}&password=${TOKEN}` }, 200, '911'],
      ['sftdyn', { url: `/${TOKEN}` }, 500, 'FAIL'],
      [
        'django',
        { method: 'POST', url: `/update/${HOST}/`, headers: FORM, payload: `key=${TOKEN}` },
        500,
        '{"error": "Internal error"}',
      ],
      [
        'dyndns53',
        { url: '/register_ip', headers: { authorization: basic(HOST, TOKEN) } },
        500,
        'Internal Server Error',
      ],
      [
        'acme-dns',
        {
          method: 'POST',
          url: '/update',
          headers: { 'x-api-user': 'alice', 'x-api-key': TOKEN },
          payload: { subdomain: HOST, txt: TXT },
        },
        500,
        '{"error":"db_error"}',
      ],
      ['duckdns', { url: `/update?domains=home&token=${TOKEN}` }, 200, 'KO'],
      ['dynv6', { url: `/api/update?hostname=${HOST}&token=${TOKEN}` }, 500, 'internal error'],
    ]
    for (const [dialect, request, status, body] of table) {
      void it(`${dialect}: its error reply, the error logged with an id`, async () => {
        const { updates, logged, updated, send } = updateApp()
        updates.answer = () => {
          throw new Error('database is gone')
        }
        const r = await send(request)
        await send(request)
        assert.deepEqual([r.statusCode, r.body], [status, body])
        const failed = logged('update failed')
        assert.equal(failed.length, 2)
        const [first, second] = failed
        assert.deepEqual(
          [first?.level, first?.['dialect'], (first?.['err'] as { message?: string }).message],
          [50, dialect, 'database is gone'],
        )
        assert.match(
          String((first?.['err'] as { stack?: string }).stack),
          /database is gone\n\s+at /,
        )
        assert.equal(typeof first?.['id'], 'string')
        assert.notEqual(first?.['id'], second?.['id'], 'each request its own id')
        assert.deepEqual(
          logged('update').map((l) => [l['dialect'], l['result']]),
          [
            [dialect, '911'],
            [dialect, '911'],
          ],
        )
        assert.deepEqual(updated[0], [dialect, ['911']])
      })
    }

    void it('from any other route: 500, a bare line, the error logged with an id', async () => {
      const { logged, send } = updateApp()
      const r = await send({ method: 'POST', url: '/register?host=explode' })
      assert.deepEqual([r.statusCode, r.body], [500, 'internal error\n'])
      const [line] = logged('request failed')
      assert.equal((line?.['err'] as { message?: string }).message, 'registrar gone')
      assert.deepEqual([line?.['route'], typeof line?.['id']], ['/register', 'string'])
    })
  })
})
