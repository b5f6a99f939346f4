/**
 * Hostile HTTP against a real `dynzone serve`: every route (the dialect registry's, the
 * service and ops routes, the web UI's and REST API's) gets malformed URLs, bad
 * percent-encodings, huge and repeated parameters, broken Basic headers, odd methods and
 * broken bodies, from a fixed seed and bounded in count and time. Every request must get an
 * answer below 500, the size limits must answer 413/431/400, the database must be unchanged
 * byte for byte, and a correct update must still work afterwards (checked with dig).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_ENDPOINTS, createDialects } from '../../src/dialects/registry.ts'
import type { Fqdn } from '../../src/core/names.ts'
import { dumpDatabase } from '../helpers/db-dump.ts'
import { Prng } from '../helpers/dns-fuzz.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { buildRequest, rawRequest } from '../helpers/raw-http.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
// Hundreds of hostile requests come from one client on loopback, and the database must not
// change: the abuse limits (whose lockouts are rows) are limits.test.ts's topic, so this
// client is exempt from them here.
const ARGS = [
  ...['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
  ...['--set', 'rate_limit.exempt=127.0.0.1', '--set', 'security.lockout_allow=127.0.0.1'],
]
const SEED = 0x5eed_f022
const MAX_REQUESTS = 900
const MAX_MS = 90_000
// Tables that change with time, not with requests: the publisher's lease heartbeat. And the
// audit trail, whose job is to record refused requests: the test checks it holds only those.
// Tables refused input writes by design: the audit trail, and the router inspector, which
// keeps every request that reached a host, refused ones too (bounded per host, redacted).
const VOLATILE_TABLES = ['publisher_leases', 'audit_events', 'update_requests']

/** Every route path, parameters filled with `fill`. */
function routePaths(): { method: string; path: string }[] {
  const dialects = createDialects({
    endpoints: DEFAULT_ENDPOINTS,
    sftdynPrefix: '/',
    duckdnsZone: ZONE as Fqdn,
    now: () => new Date(),
  })
  const routes = dialects.flatMap((d) => d.routes.map((r) => ({ method: r.method, path: r.path })))
  const others = [
    ['POST', '/register'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['GET', '/metrics'],
    // The web UI and REST API (their own tests cover them; here only hostile input).
    ['GET', '/login'],
    ['POST', '/login'],
    ['GET', '/admin'],
    ['GET', '/hosts'],
    ['GET', '/static/web.css'],
    ['GET', '/api/v1/openapi.json'],
    ['GET', '/api/v1/hosts'],
    ['POST', '/api/v1/hosts'],
    ['GET', '/api/v1/hosts/:fqdn/records'],
    ['GET', '/api/v1/tokens'],
    ['POST', '/api/v1/tokens'],
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/zones/:name/resync'],
  ].map(([method, path]) => ({ method: method ?? 'GET', path: path ?? '/' }))
  return [...routes, ...others]
}

const BAD_PERCENT = [
  '%',
  '%z',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2e%2e%2f',
  '%C0%AE',
  '%FF%FE',
  '%u0041',
  '%%32%65',
]
const ODD_METHODS = [
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'HEAD',
  'PROPFIND',
  'get',
  'G\x00T',
  'CONNECT',
]
const KEYS = [
  'hostname',
  'host',
  'domain',
  'domains',
  'myip',
  'ip',
  'ipv6',
  'password',
  'key',
  'token',
  'user',
  'verbose',
  'txt',
  'clear',
  'offline',
  'system',
  'zone',
]

function junk(rng: Prng, n: number): string {
  const alphabet = 'abcxyz019.-_~:/?#[]@!$&\'()*+,;=% "<>\\^`{|}\u00e9\u00ff'
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)] ?? 'a'
  return s
}

function value(rng: Prng): string {
  switch (rng.int(8)) {
    case 0:
      return rng.pick(BAD_PERCENT)
    case 1:
      return 'a'.repeat(1 + rng.int(4000))
    case 2:
      return `h.${ZONE},`.repeat(1 + rng.int(60))
    case 3:
      return encodeURIComponent(junk(rng, 1 + rng.int(40)))
    case 4:
      return junk(rng, 1 + rng.int(20)).replace(/[ #]/g, '+')
    case 5:
      return `${'%2e'.repeat(rng.int(5))}x.${ZONE}.`
    case 6:
      return (
        ['192.0.2.1', '::1', '999.1.1.1', '1.2.3', '0x7f000001', '::ffff:1.2.3.4', ''][
          rng.int(7)
        ] ?? ''
      )
    default:
      return 'xn--' + junk(rng, 10).replace(/[^a-z0-9-]/g, 'q')
  }
}

function query(rng: Prng): string {
  const n = rng.int(4) === 0 ? 50 + rng.int(80) : rng.int(8)
  const parts: string[] = []
  for (let i = 0; i < n; i++) {
    const key = rng.int(6) === 0 ? rng.pick(BAD_PERCENT) : rng.pick(KEYS)
    parts.push(rng.int(10) === 0 ? key : `${key}=${value(rng)}`)
  }
  return parts.join(rng.int(8) === 0 ? ';' : '&')
}

function basic(rng: Prng): string[] {
  const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64')
  const forms = [
    'Authorization: Basic',
    'Authorization: Basic ',
    'Authorization: Basic !!!!',
    `Authorization: Basic ${b64('nocolon')}`,
    `Authorization: Basic ${b64(':')}`,
    `Authorization: Basic ${b64('alice:wrong-password')}`,
    `Authorization: Basic ${b64(`alice:${'x'.repeat(3000)}`)}`,
    `Authorization: Basic ${b64('\u00e9\u00ff:\u0000\u0001')}`,
    `Authorization: Basic ${b64('bob:')}`,
    'Authorization: Bearer abc.def',
    'Authorization: basic YWxpY2U6eA==',
    `Authorization: Basic ${b64('a:b')}=====`,
  ]
  const out = [rng.pick(forms)]
  if (rng.int(4) === 0) out.push(rng.pick(forms))
  return out
}

function fill(rng: Prng, path: string): string {
  return path
    .replace(/:[a-z]+/g, () => (rng.int(2) === 0 ? value(rng) : `h.${ZONE}`))
    .replace('*', () => junk(rng, 1 + rng.int(30)).replace(/[ #?]/g, '_'))
}

/** One hostile request for `route`. */
function hostile(rng: Prng, route: { method: string; path: string }): string {
  const path = fill(rng, route.path)
  const method = rng.int(6) === 0 ? rng.pick(ODD_METHODS) : route.method
  const headers = rng.int(2) === 0 ? basic(rng) : []
  let body = ''
  if (method === 'POST' || rng.int(8) === 0) {
    const kind = rng.int(4)
    headers.push(
      kind === 0
        ? 'Content-Type: application/json'
        : kind === 1
          ? 'Content-Type: text/plain'
          : 'Content-Type: application/x-www-form-urlencoded',
    )
    body =
      kind === 0
        ? rng.pick(['{', '[]', '{"a":' + '['.repeat(500), 'null', '{"subdomain":1}'])
        : query(rng)
  }
  const prefix = rng.int(10) === 0 ? rng.pick(['//', '/./', '/../', 'http://evil.example', '']) : ''
  return buildRequest(method, `${prefix}${path}?${query(rng)}`, headers, body)
}

describe('HTTP fuzz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-fuzz-http-'))
  let server: DynzoneProcess
  let port = 0
  let dnsPort = 0
  let token = ''
  const db = join(dir, 'data', 'dynzone.sqlite')

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin: 'alice-fuzz-password\n' })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  before(async () => {
    await cli('user', 'add', 'alice', '--password-stdin')
    await cli('host', 'add', `h.${ZONE}`, '--user', 'alice')
    const out = await cli('token', 'create', '--user', 'alice', '--host', `h.${ZONE}`, '--json')
    token = (JSON.parse(out) as { secret: string }).secret
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    port = Number(m[2])
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers oversized requests with 413, 431 and 400 and keeps running', async () => {
    const huge = await rawRequest(
      port,
      buildRequest(
        'POST',
        '/nic/update',
        ['Content-Type: application/x-www-form-urlencoded'],
        `hostname=${'a'.repeat(70 * 1024)}`,
      ),
    )
    assert.equal(huge.status, 413)
    const header = await rawRequest(
      port,
      buildRequest('GET', '/nic/update', [`X-Junk: ${'a'.repeat(20 * 1024)}`]),
    )
    assert.equal(header.status, 431)
    const longUrl = await rawRequest(
      port,
      buildRequest('GET', `/nic/update?hostname=${'a'.repeat(20 * 1024)}`),
    )
    assert.equal(longUrl.status, 431)
    const many = Array.from({ length: 150 }, (_, i) => `p${String(i)}=1`).join('&')
    const params = await rawRequest(port, buildRequest('GET', `/nic/update?${many}`))
    assert.equal(params.status, 400)
    const ok = await rawRequest(port, buildRequest('GET', '/healthz'))
    assert.equal(ok.status, 200)
  })

  it('cuts off a slowloris client that trickles its headers', async () => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.on('error', () => undefined)
    let got = ''
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')))
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => {
        resolve(Date.now())
      }),
    )
    const started = Date.now()
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    // One header byte every half second: never idle long enough for the socket timeout.
    const trickle = setInterval(() => socket.write('X'), 500)
    const at = await Promise.race([
      closed,
      new Promise<number>((r) =>
        setTimeout(() => {
          r(0)
        }, 20_000),
      ),
    ])
    clearInterval(trickle)
    socket.destroy()
    assert.ok(at > 0, 'still open after 20 s')
    assert.ok(
      at - started >= 9_000,
      `closed after ${String(at - started)} ms, before the 10 s limit`,
    )
    assert.match(got, /^(HTTP\/1\.1 408|$)/, 'a 408 or a plain close')
  })

  it('never redirects off the site (the login page’s next=)', async () => {
    const targets = [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      '/%2F%2Fevil.example',
      'javascript:alert(1)',
      '/\t/evil.example',
    ]
    for (const next of targets) {
      const r = await rawRequest(
        port,
        buildRequest('GET', `/login?next=${encodeURIComponent(next)}`),
      )
      assert.ok(r.status > 0 && r.status < 500, `${next}: ${String(r.status)}`)
      assert.doesNotMatch(r.head, /^location:\s*(\/\/|\/\\|[a-z]+:)/im, next)
      assert.doesNotMatch(r.body, /(href|action|content)="[^"]*(\/\/|\\)evil\.example/i, next)
    }
    const page = await rawRequest(port, buildRequest('GET', '/login'))
    assert.equal(page.status, 200, 'the login page exists')
    assert.match(
      page.head,
      /^content-security-policy: default-src 'self'; frame-ancestors 'none'/im,
    )
  })

  it('sends the security headers without changing a dialect’s answer', async () => {
    const r = await curl([
      '-u',
      'alice:wrong-password',
      `http://127.0.0.1:${String(port)}/nic/update?hostname=h.${ZONE}`,
    ])
    assert.deepEqual([r.status, r.body], [401, 'badauth'])
    assert.match(r.headers, /^x-content-type-options: nosniff/im)
    assert.match(r.headers, /^referrer-policy: no-referrer/im)
    assert.match(r.headers, /^x-frame-options: DENY/im)
    assert.doesNotMatch(r.headers, /^strict-transport-security:/im, 'no HSTS over plain HTTP')
  })

  it(`answers every hostile request below 500 and changes nothing (seed ${SEED.toString(16)})`, async () => {
    const before = dumpDatabase(db, VOLATILE_TABLES)
    const rng = new Prng(SEED)
    const routes = routePaths()
    const started = Date.now()
    const failures: string[] = []
    let sent = 0
    while (sent < MAX_REQUESTS && Date.now() - started < MAX_MS) {
      const route = routes[sent % routes.length] ?? { method: 'GET', path: '/' }
      const request = hostile(rng, route)
      const r = await rawRequest(port, request)
      sent++
      if (r.status === 0 || r.status >= 500) {
        failures.push(`${String(r.status)} for ${request.slice(0, 200).replace(/\r\n/g, ' | ')}`)
      }
    }
    assert.ok(sent >= routes.length * 5, `only ${String(sent)} requests in the time bound`)
    assert.deepEqual(
      failures.slice(0, 10),
      [],
      `${String(failures.length)} of ${String(sent)} failed`,
    )
    assert.equal(server.child.exitCode, null, 'the server is still running')
    assert.equal(dumpDatabase(db, VOLATILE_TABLES), before, 'rejected input changed the database')
    // The set-up's own CLI commands are in the trail too (source null); requests have one.
    const audited = (
      JSON.parse(dumpDatabase(db)) as { audit_events: { result: string; source: string | null }[] }
    ).audit_events.filter((e) => e.source !== null)
    assert.ok(audited.length > 0, 'refused requests are audited')
    const traced = (JSON.parse(dumpDatabase(db)) as { update_requests: { result: string }[] })
      .update_requests
    assert.ok(
      traced.length <= 50,
      `the inspector keeps at most 50 a host: ${String(traced.length)}`,
    )
    assert.deepEqual(
      traced.filter((t) => t.result === 'good'),
      [],
      'no hostile request was traced as applied',
    )
    assert.deepEqual(
      audited.filter((e) => e.result === 'ok'),
      [],
      'no hostile request was audited as done',
    )
  })

  it('still serves a correct update afterwards', async () => {
    const r = await curl([
      '-u',
      `alice:${token}`,
      `http://127.0.0.1:${String(port)}/nic/update?hostname=h.${ZONE}&myip=203.0.113.77`,
    ])
    assert.deepEqual([r.status, r.body], [200, 'good 203.0.113.77'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `h.${ZONE}`, 'A'), ['203.0.113.77'])
  })
})
