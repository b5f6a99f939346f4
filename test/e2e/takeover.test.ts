/**
 * Takeover: no credential of one user changes another user's host, by any dialect, path or
 * parameter spelling. Alice (password, account token, host token, acme token) attacks Bob's
 * hosts through every dialect: hostname=/host=/domain=/domains=/zone=, comma lists,
 * duplicate parameters, case, a trailing dot, `%2e`, IDN and punycode spellings, Basic
 * users that name Bob's host, sftdyn secret paths, path parameters. Bob's rows in the
 * database and his answers in DNS (dig) must be exactly as before.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { buildRequest, rawRequest } from '../helpers/raw-http.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
// Hundreds of refused attempts come from one curl on loopback: the abuse limits are
// limits.test.ts's topic, so this client is exempt from them here.
const ARGS = [
  ...['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
  ...['--set', 'rate_limit.exempt=127.0.0.1', '--set', 'security.lockout_allow=127.0.0.1'],
]
const BOB_HOSTS = ['b1', 'bücher']
const BOB_IP = { b1: '198.51.100.2', bücher: '198.51.100.3' } as const
const EVIL = '203.0.113.66'

interface Attack {
  readonly name: string
  readonly method?: string
  readonly target: string
  readonly headers?: readonly string[]
  readonly body?: string
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
const basic = (user: string, secret: string): string =>
  `Authorization: Basic ${b64(`${user}:${secret}`)}`

/** Every spelling of Bob's host an attacker might try. */
function spellings(): string[] {
  const b = `b1.${ZONE}`
  return [
    b,
    b.toUpperCase(),
    `${b}.`,
    `b1%2e${ZONE.replaceAll('.', '%2e')}`,
    `b1%2E${ZONE}`,
    `%62%31.${ZONE}`,
    `a1.${ZONE},${b}`,
    `a1.${ZONE}%2C${b}`,
    `${b},a1.${ZONE}`,
    `xn--bcher-kva.${ZONE}`,
    `XN--BCHER-KVA.${ZONE}.`,
    encodeURIComponent(`bücher.${ZONE}`),
    encodeURIComponent(`BÜCHER.${ZONE}`),
    `b1.${ZONE}%00`,
    `b1.${ZONE}%20`,
    ` ${b}`.replace(' ', '%20'),
    `b1`,
    `b1.${ZONE}..`,
  ]
}

function attacks(secrets: {
  password: string
  token: string
  hostToken: string
  acme: string
}): Attack[] {
  const out: Attack[] = []
  const creds: [string, string][] = [
    ['alice', secrets.password],
    ['alice', secrets.token],
    ['alice', secrets.hostToken],
    ['alice', secrets.acme],
    ['bob', secrets.token],
    [`b1.${ZONE}`, secrets.token],
    [`b1.${ZONE}`, secrets.hostToken],
    [`a1.${ZONE}`, secrets.hostToken],
  ]
  const all = Object.values(secrets)
  for (const path of ['/nic/update', '/v3/update', '/update']) {
    for (const name of spellings()) {
      for (const [user, secret] of creds) {
        for (const key of ['hostname', 'host', 'domain']) {
          out.push({
            name: `${path} ${key}=${name} as ${user}`,
            target: `${path}?${key}=${name}&myip=${EVIL}`,
            headers: [basic(user, secret)],
          })
        }
      }
      for (const secret of all) {
        out.push({
          name: `${path} query creds ${name}`,
          target: `${path}?hostname=${name}&myip=${EVIL}&username=alice&password=${encodeURIComponent(secret)}`,
        })
        out.push({
          name: `${path} user=bob query ${name}`,
          target: `${path}?hostname=${name}&myip=${EVIL}&user=bob&pass=${encodeURIComponent(secret)}`,
        })
      }
    }
    // Duplicate parameters: whichever one a parser takes, it is not Bob's to change.
    for (const [user, secret] of creds) {
      out.push({
        name: `${path} duplicate hostname (a1 first) as ${user}`,
        target: `${path}?hostname=a1.${ZONE}&hostname=b1.${ZONE}&myip=${EVIL}`,
        headers: [basic(user, secret)],
      })
      out.push({
        name: `${path} duplicate hostname (b1 first) as ${user}`,
        target: `${path}?hostname=b1.${ZONE}&hostname=a1.${ZONE}&myip=${EVIL}`,
        headers: [basic(user, secret)],
      })
      out.push({
        name: `${path} form body as ${user}`,
        method: 'POST',
        target: `${path}?hostname=a1.${ZONE}`,
        headers: [basic(user, secret), 'Content-Type: application/x-www-form-urlencoded'],
        body: `hostname=b1.${ZONE}&myip=${EVIL}`,
      })
    }
  }
  for (const secret of all) {
    const s = encodeURIComponent(secret)
    // DuckDNS: query and path forms.
    for (const d of [
      'b1',
      `b1.${ZONE}`,
      'B1',
      `a1,b1`,
      'b1.',
      `xn--bcher-kva`,
      encodeURIComponent('bücher'),
    ]) {
      out.push({
        name: `duckdns domains=${d}`,
        target: `/update?domains=${d}&token=${s}&ip=${EVIL}`,
      })
      out.push({ name: `duckdns path ${d}`, target: `/update/${d}/${s}/${EVIL}` })
      out.push({ name: `duckdns path no ip ${d}`, target: `/update/${d}/${s}` })
    }
    // sftdyn: the secret path, with Bob's host tacked on every way.
    for (const suffix of [
      '',
      `?host=b1.${ZONE}`,
      `?hostname=b1.${ZONE}`,
      `/../b1.${ZONE}`,
      `%2F..%2Fb1`,
      `&host=b1.${ZONE}`,
    ]) {
      out.push({ name: `sftdyn ${suffix}`, target: `/${s}${suffix}` })
    }
    // django-dynamic-dns.
    for (const name of spellings()) {
      out.push({
        name: `django ${name}`,
        method: 'POST',
        target: `/update/${name}/`,
        headers: ['Content-Type: application/x-www-form-urlencoded'],
        body: `key=${s}&ip=${EVIL}`,
      })
    }
    // dyndns53: hostname:token Basic, and a hostname parameter.
    for (const name of spellings()) {
      out.push({
        name: `dyndns53 ${name}`,
        target: `/register_ip?hostname=${name}&ip=${EVIL}`,
        headers: [basic(decodeURIComponent(name), secret)],
      })
      out.push({
        name: `dyndns53 a1 user, ${name} param`,
        target: `/register_ip?hostname=${name}`,
        headers: [basic(`a1.${ZONE}`, secret)],
      })
    }
    // dynv6: zone= and hostname= with the token.
    for (const name of spellings()) {
      for (const key of ['zone', 'hostname', 'Hostname']) {
        out.push({
          name: `dynv6 ${key}=${name}`,
          target: `/api/update?${key}=${name}&token=${s}&ipv4=${EVIL}`,
        })
        out.push({
          name: `dynv6 POST ${key}=${name}`,
          method: 'POST',
          target: '/api/update',
          headers: ['Content-Type: application/x-www-form-urlencoded'],
          body: `${key}=${name}&token=${s}&ipv4=${EVIL}`,
        })
      }
    }
    // acme-dns: a TXT under Bob's host with Alice's credentials, under every spelling.
    for (const name of spellings()) {
      const json = JSON.stringify({ subdomain: decodeURIComponent(name), txt: 'a'.repeat(43) })
      out.push({
        name: `acme-dns ${name}`,
        method: 'POST',
        target: '/update',
        headers: ['X-Api-User: alice', `X-Api-Key: ${secret}`, 'Content-Type: application/json'],
        body: json,
      })
    }
    // acme-dns registration for Bob's host.
    out.push({
      name: 'acme-dns register bob host',
      method: 'POST',
      target: `/register?host=b1.${ZONE}`,
      headers: [basic('alice', secret)],
    })
  }
  return out
}

describe('takeover: one user’s credentials never change another user’s host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-takeover-'))
  let server: DynzoneProcess
  let port = 0
  let dnsPort = 0
  const secrets = { password: 'alice-takeover-pass', token: '', hostToken: '', acme: '' }

  const cli = async (stdin: string, ...args: string[]): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const tokenFor = async (...args: string[]): Promise<string> =>
    (JSON.parse(await cli('', 'token', 'create', ...args, '--json')) as { secret: string }).secret

  /** Bob's hosts, records, TXT values and history, as text. */
  const bobRows = (): string => {
    const db = new Database(join(dir, 'data', 'dynzone.sqlite'), { readonly: true })
    try {
      const ids = `SELECT h.id FROM hosts h JOIN users u ON u.id = h.owner_id WHERE u.name = 'bob'`
      return JSON.stringify({
        hosts: db.prepare(`SELECT * FROM hosts WHERE id IN (${ids}) ORDER BY id`).all(),
        records: db.prepare(`SELECT * FROM records WHERE host_id IN (${ids}) ORDER BY id`).all(),
        acme: db.prepare(`SELECT * FROM acme_txt WHERE host_id IN (${ids}) ORDER BY id`).all(),
        history: db
          .prepare(`SELECT * FROM update_history WHERE host_id IN (${ids}) ORDER BY id`)
          .all(),
        tokens: db
          .prepare(
            `SELECT t.* FROM tokens t JOIN users u ON u.id = t.owner_id WHERE u.name = 'bob' ORDER BY t.id`,
          )
          .all(),
      })
    } finally {
      db.close()
    }
  }

  before(async () => {
    await cli(`${secrets.password}\n`, 'user', 'add', 'alice', '--password-stdin')
    await cli('bob-takeover-pass\n', 'user', 'add', 'bob', '--password-stdin')
    await cli('', 'host', 'add', `a1.${ZONE}`, '--user', 'alice')
    for (const h of BOB_HOSTS) await cli('', 'host', 'add', `${h}.${ZONE}`, '--user', 'bob')
    secrets.token = await tokenFor('--user', 'alice')
    secrets.hostToken = await tokenFor('--user', 'alice', '--host', `a1.${ZONE}`)
    secrets.acme = await tokenFor('--user', 'alice', '--host', `a1.${ZONE}`, '--scope', 'acme')
    const bob = await tokenFor('--user', 'bob')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    port = Number(m[2])
    dnsPort = Number(m[3])
    for (const [h, ip] of Object.entries(BOB_IP)) {
      const host = encodeURIComponent(`${h}.${ZONE}`)
      const r = await curl([
        '-u',
        `bob:${bob}`,
        `http://127.0.0.1:${String(port)}/nic/update?hostname=${host}&myip=${ip}`,
      ])
      assert.deepEqual([r.status, r.body], [200, `good ${ip}`])
    }
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('leaves Bob’s rows and DNS answers untouched through every dialect and spelling', async () => {
    const before = bobRows()
    const list = attacks(secrets)
    const statuses = new Map<number, number>()
    const errors: string[] = []
    for (const a of list) {
      const r = await rawRequest(
        port,
        buildRequest(a.method ?? 'GET', a.target, a.headers ?? [], a.body ?? ''),
      )
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      if (r.status === 0 || r.status >= 500) errors.push(`${String(r.status)} ${a.name}`)
    }
    assert.ok(list.length > 1000, `only ${String(list.length)} attacks`)
    assert.deepEqual(errors.slice(0, 20), [], `${String(errors.length)} bad answers`)
    assert.equal(bobRows(), before, 'a row of Bob’s changed')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `b1.${ZONE}`, 'A'), [BOB_IP.b1])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `xn--bcher-kva.${ZONE}`, 'A'), [
      BOB_IP.bücher,
    ])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `_acme-challenge.b1.${ZONE}`, 'TXT'), [])
    // The attacks were answered, not ignored: most refused; some, without a host name of
    // Bob's that parses, moved Alice's own host (her credential, her host: allowed).
    assert.ok(
      (statuses.get(200) ?? 0) > 0 && [...statuses.keys()].some((s) => s >= 400),
      JSON.stringify([...statuses]),
    )
  })

  it('still lets Alice change her own host', async () => {
    const r = await curl([
      '-u',
      `alice:${secrets.token}`,
      `http://127.0.0.1:${String(port)}/nic/update?hostname=a1.${ZONE}&myip=192.0.2.44`,
    ])
    assert.deepEqual([r.status, r.body], [200, 'good 192.0.2.44'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `a1.${ZONE}`, 'A'), ['192.0.2.44'])
  })
})
