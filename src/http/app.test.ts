/**
 * The update routes in-process, through `inject()` (the app over fakes:
 * test/fakes/http-app.ts): each dialect reached on its route and answering its own bytes, and
 * the unknown-path answer given before any credential is looked at. The request each dialect
 * is handed is app-requests.test.ts's; the audit trail, log lines and thrown errors are
 * app-logging.test.ts's; what reaches DNS is the end-to-end tests' (test/e2e/dialects.test.ts).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import type { UpdateResult } from '../core/update/update-intent.ts'
import { creds, hosts } from '../../test/fakes/dialect-requests.ts'
import {
  basic,
  CLIENT,
  FORM,
  HOST,
  NOW,
  TOKEN,
  TXT,
  updateApp,
  ZONE,
} from '../../test/fakes/http-app.ts'
import { rejection, type Answer } from '../../test/fakes/update-service.ts'

const one =
  (status: 'good' | 'nochg', ipv4?: string): Answer =>
  (i): UpdateResult =>
    hosts({
      hostname: i.hostnames[0] ?? HOST,
      status,
      ...(ipv4 === undefined ? {} : { ipv4 }),
    })

interface Route {
  readonly name: string
  readonly request: InjectOptions
  readonly answer?: Answer
  readonly status: number
  readonly body: string
  readonly type: string
  /** The dialect the intent came from and the log line names; null: the service is not called. */
  readonly dialect: string | null
  readonly headers?: Record<string, string>
}

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

const ROUTES: readonly Route[] = [
  {
    name: 'dyndns2 good',
    request: {
      url: `/nic/update?hostname=${HOST}&myip=203.0.113.1`,
      headers: { authorization: basic('alice', TOKEN) },
    },
    status: 200,
    body: 'good 203.0.113.1',
    type: TEXT,
    dialect: 'dyndns2',
  },
  {
    name: 'dyndns2 nochg on /v3/update, a POSTed form',
    request: {
      method: 'POST',
      url: '/v3/update',
      headers: { ...FORM, authorization: basic('alice', TOKEN) },
      payload: `hostname=${HOST}&myip=203.0.113.1`,
    },
    answer: one('nochg', '203.0.113.1'),
    status: 200,
    body: 'nochg 203.0.113.1',
    type: TEXT,
    dialect: 'dyndns2',
  },
  {
    name: 'dyndns2 badauth on /update, with its challenge',
    request: { url: `/update?hostname=${HOST}&username=alice&password=wrong` },
    answer: rejection('badauth'),
    status: 401,
    body: 'badauth',
    type: TEXT,
    dialect: 'dyndns2',
    headers: { 'www-authenticate': 'Basic realm="dynzone"' },
  },
  {
    name: 'dyndns2 abuse says when to come back',
    request: { url: `/nic/update?hostname=${HOST}&username=alice&password=wrong` },
    answer: rejection('abuse', 90),
    status: 429,
    body: 'abuse',
    type: TEXT,
    dialect: 'dyndns2',
    headers: { 'retry-after': '90' },
  },
  {
    name: 'sftdyn OK',
    request: { url: `/${TOKEN}` },
    status: 200,
    body: 'OK',
    type: TEXT,
    dialect: 'sftdyn',
  },
  {
    name: 'sftdyn UPTODATE',
    request: { url: `/${TOKEN}` },
    answer: one('nochg'),
    status: 200,
    body: 'UPTODATE',
    type: TEXT,
    dialect: 'sftdyn',
  },
  {
    name: 'sftdyn bare prefix: the caller',
    request: { url: '/' },
    status: 200,
    body: CLIENT,
    type: TEXT,
    dialect: null,
  },
  {
    name: 'django key POST',
    request: {
      method: 'POST',
      url: `/update/${HOST}/`,
      headers: FORM,
      payload: `key=${TOKEN}&ip=198.51.100.31`,
    },
    answer: (i) => hosts({ hostname: i.hostnames[0] ?? '', status: 'good', ipv4: '198.51.100.31' }),
    status: 200,
    body: `{"domain": "${HOST}", "ip": "198.51.100.31", "last_change": "${NOW.toISOString()}", "updated": true}`,
    type: JSON_TYPE,
    dialect: 'django',
  },
  {
    name: 'dyndns53 /register_ip',
    request: { url: '/register_ip', headers: { authorization: basic(HOST, TOKEN) } },
    status: 200,
    body: '',
    type: TEXT,
    dialect: 'dyndns53',
  },
  {
    name: 'dyndns53 /register_ip refused',
    request: { url: '/register_ip', headers: { authorization: basic(HOST, 'wrong') } },
    answer: rejection('badauth'),
    status: 401,
    body: '',
    type: TEXT,
    dialect: 'dyndns53',
    headers: { 'www-authenticate': 'Basic realm=""' },
  },
  {
    name: 'dyndns53 /check_ip',
    request: { url: '/check_ip' },
    status: 200,
    body: CLIENT,
    type: TEXT,
    dialect: null,
  },
  {
    name: 'acme-dns POST /update with API headers and a JSON body',
    request: {
      method: 'POST',
      url: '/update',
      headers: { 'x-api-user': 'alice', 'x-api-key': TOKEN },
      payload: { subdomain: HOST, txt: TXT },
    },
    status: 200,
    body: `{"txt":"${TXT}"}`,
    type: JSON_TYPE,
    dialect: 'acme-dns',
  },
  {
    name: 'duckdns query form, verbose',
    request: { url: `/update?domains=home&token=${TOKEN}&ip=192.0.2.41&verbose=true` },
    status: 200,
    body: 'OK\n192.0.2.41\n\nUPDATED',
    type: TEXT,
    dialect: 'duckdns',
  },
  {
    name: 'duckdns path form',
    request: { url: `/update/home/${TOKEN}/192.0.2.42` },
    status: 200,
    body: 'OK',
    type: TEXT,
    dialect: 'duckdns',
  },
  {
    name: 'dynv6',
    request: { url: `/api/update?hostname=${HOST}&token=${TOKEN}&ipv4=192.0.2.51` },
    status: 200,
    body: 'addresses updated',
    type: TEXT,
    dialect: 'dynv6',
  },
  {
    name: 'checkip plain',
    request: { url: '/myip' },
    status: 200,
    body: CLIENT,
    type: TEXT,
    dialect: null,
    headers: { 'cache-control': 'no-store' },
  },
  {
    name: 'checkip, the classic page asked for',
    request: { url: '/checkip?format=html' },
    status: 200,
    body: `<html><head><title>Current IP Check</title></head><body>Current IP Address: ${CLIENT}</body></html>\r\n`,
    type: 'text/html; charset=utf-8',
    dialect: null,
  },
  {
    name: 'checkip, the classic page',
    request: { url: '/nic/checkip' },
    status: 200,
    body: `<html><head><title>Current IP Check</title></head><body>Current IP Address: ${CLIENT}</body></html>\r\n`,
    type: 'text/html; charset=utf-8',
    dialect: null,
  },
]

void describe('update routes in-process', () => {
  void describe('each dialect reached on its route, answering its own bytes', () => {
    for (const route of ROUTES) {
      void it(route.name, async () => {
        const { updates, logged, updated, send } = updateApp()
        if (route.answer !== undefined) updates.answer = route.answer
        const r = await send(route.request)
        assert.deepEqual(
          [r.statusCode, r.body, r.headers['content-type']],
          [route.status, route.body, route.type],
        )
        for (const [name, value] of Object.entries(route.headers ?? {}))
          assert.equal(r.headers[name], value, name)
        // ddclient takes the first IPv4 address anywhere in an answer, headers included.
        for (const [name, value] of Object.entries(r.headers))
          assert.ok(!String(value).includes(CLIENT), `the client address in ${name}`)
        const expected = route.dialect === null ? [] : [route.dialect]
        assert.deepEqual(
          updates.intents.map((i) => i.dialect),
          expected,
        )
        assert.deepEqual(
          logged('update').map((l) => l['dialect']),
          expected,
        )
        assert.deepEqual(
          updated.map(([dialect]) => dialect),
          expected,
        )
      })
    }
  })

  void describe('unknown paths, answered before any credential is looked at', () => {
    const table: [string, InjectOptions][] = [
      ['no route at all', { method: 'POST', url: '/nope/nope' }],
      ['an sftdyn key with a file extension', { url: '/wp-login.php' }],
      ['a token with a file extension', { url: `/${TOKEN}.json` }],
      ['a hidden file', { url: '/.env' }],
      ['a hidden part of a path', { url: '/a/.git/config' }],
      ['a key longer than any', { url: `/${'a'.repeat(201)}` }],
      ['HEAD on an update route (a link preview)', { method: 'HEAD', url: `/${TOKEN}` }],
      ['HEAD on DynDNS2', { method: 'HEAD', url: `/nic/update?hostname=${HOST}` }],
    ]
    for (const [name, request] of table) {
      void it(name, async () => {
        const { updates, logged, updated, send } = updateApp()
        const r = await send(request)
        assert.equal(r.statusCode, 404)
        if (request.method !== 'HEAD') assert.equal(r.body, 'not found\n')
        assert.deepEqual([updates.intents, logged('update'), updated], [[], [], []])
      })
    }

    void it('refuses a path that is not percent-encoding with 400, before any dialect', async () => {
      const { updates, logged, send } = updateApp()
      for (const request of [
        { url: '/a%zz' },
        { method: 'POST' as const, url: `/update/a%zz.${ZONE}/`, headers: FORM, payload: 'key=k' },
      ]) {
        const r = await send(request)
        assert.equal(r.statusCode, 400, r.body)
      }
      assert.deepEqual([updates.intents, logged('update')], [[], []])
    })

    void it('shows a browser the page, and lets a hostname-like key through', async () => {
      const { updates, send } = updateApp()
      const page = await send({ url: '/favicon.png', headers: { accept: 'text/html' } })
      assert.equal(page.statusCode, 404)
      assert.match(page.body, /<h1>Not found<\/h1>/)
      assert.equal(updates.intents.length, 0)
      const named = await send({ url: `/${HOST}` })
      assert.equal(named.body, 'OK')
      assert.deepEqual(creds(updates.intents[0]?.credentials ?? null), ['token', HOST])
    })
  })
})
