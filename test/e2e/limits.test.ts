/**
 * Abuse limits on a real dynzone process, driven with curl: the bad-request budget of an
 * address, the success budget of an account, server trouble (a dead RFC 2136 server) that
 * never counts, lockouts that survive a restart, the allow-list, `dynzone lockout
 * list/lift`, and the address policy of a public zone. Client addresses are set through
 * X-Forwarded-For from loopback, declared a trusted proxy: limits apply to the real client.
 * The backend-down case freezes a real BIND (SIGSTOP) that one zone publishes to.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { KEY, RestartableBind, ZONE } from './faults-setup.ts'
import { curl, digShort } from '../helpers/tools.ts'

const TEST_ZONE = 'lab.example.test'
const PUBLIC_ZONE = 'dyn.example.de'
/** Published over RFC 2136 to a real BIND that the backend-down test freezes. */
const BIND_ZONE = ZONE
const PASSWORDS: Record<string, string> = {
  alice: 'alice limits password',
  bob: 'bob limits password',
  carol: 'carol limits password',
  dave: 'dave limits password',
}

describe('limits, lockouts and address policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-limits-'))
  let server: DynzoneProcess | undefined
  let http = ''
  let dnsPort = 0
  let bind: RestartableBind | undefined
  // The owner's webhook: the JSON bodies dynzone posted.
  const hooks: { event?: string; subject?: string; client_ip?: string }[] = []
  let hookServer: Server | undefined

  const start = async (): Promise<void> => {
    server = startDynzone(['serve', '--set', 'http.port=0'], dir)
    const listening = await server.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
    http = `http://${listening[1] ?? ''}`
  }

  const cli = async (...args: string[]): Promise<{ code: number | null; stdout: string }> => {
    const r = await runDynzone(args, dir)
    return { code: r.code, stdout: r.stdout + r.stderr }
  }

  /** One DynDNS2 update as `user` from client address `from`. */
  const update = (user: string, password: string, from: string, query: string) =>
    curl([
      '-u',
      `${user}:${password}`,
      '-H',
      `X-Forwarded-For: ${from}`,
      `${http}/nic/update?${query}`,
    ])

  const retryAfter = (headers: string): number =>
    Number(/^retry-after: (\d+)/im.exec(headers)?.[1] ?? Number.NaN)

  before(async () => {
    dnsPort = await freePort()
    bind = await RestartableBind.start()
    const hookPort = await freePort()
    hookServer = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => (body += d.toString()))
      req.on('end', () => {
        hooks.push(JSON.parse(body) as (typeof hooks)[number])
        res.end('ok')
      })
    })
    await new Promise<void>((resolve) => hookServer?.listen(hookPort, '127.0.0.1', resolve))
    writeFileSync(
      join(dir, 'bind.key'),
      `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    )
    writeFileSync(
      join(dir, 'dynzone.toml'),
      [
        `data_dir = "${join(dir, 'data')}"`,
        '[http]',
        'trusted_proxies = ["127.0.0.1"]',
        '[dns]',
        `port = ${String(dnsPort)}`,
        '[security]',
        'lockout_threshold = 3',
        'lockout_allow = ["198.51.100.0/24"]',
        '[update]',
        'answer_deadline_ms = 300',
        '[rate_limit]',
        'good_max = 5',
        'bad_max = 6',
        '[demo]',
        'enabled = false',
        '[[notify.webhooks]]',
        `url = "http://127.0.0.1:${String(hookPort)}/hook"`,
        'events = ["lockout"]',
        '[[zones]]',
        `name = "${TEST_ZONE}"`,
        '[[zones]]',
        `name = "${PUBLIC_ZONE}"`,
        '[[zones]]',
        `name = "${BIND_ZONE}"`,
        'backend = "rfc2136"',
        '[zones.rfc2136]',
        'server = "127.0.0.1"',
        `port = ${String(bind.port)}`,
        `key_file = "${join(dir, 'bind.key')}"`,
        'timeout_ms = 2000',
        '',
      ].join('\n'),
    )
    for (const [user, password] of Object.entries(PASSWORDS)) {
      const r = await runDynzone(['user', 'add', user, '--password-stdin'], dir, {
        stdin: `${password}\n`,
      })
      assert.equal(r.code, 0, r.stderr)
    }
    for (const [host, user] of [
      [`alice.${TEST_ZONE}`, 'alice'],
      [`bob.${TEST_ZONE}`, 'bob'],
      [`carol.${BIND_ZONE}`, 'carol'],
      [`carol.${TEST_ZONE}`, 'carol'],
      [`dave.${PUBLIC_ZONE}`, 'dave'],
    ] as const) {
      const r = await runDynzone(['host', 'add', host, '--user', user], dir)
      assert.equal(r.code, 0, r.stderr)
    }
    await start()
  })

  after(async () => {
    await server?.stop()
    await bind?.stop()
    hookServer?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers abuse with Retry-After once an address spent its bad budget', async () => {
    const from = '203.0.113.20'
    for (let i = 0; i < 6; i++) {
      const r = await update(`nobody${String(i)}`, 'guess', from, `hostname=alice.${TEST_ZONE}`)
      assert.equal(r.status, 401, `guess ${String(i)}: ${r.body}`)
      assert.equal(r.body, 'badauth')
    }
    const refused = await update(
      'alice',
      PASSWORDS.alice ?? '',
      from,
      `hostname=alice.${TEST_ZONE}`,
    )
    assert.equal(refused.status, 429)
    assert.equal(refused.body, 'abuse')
    const wait = retryAfter(refused.headers)
    assert.ok(wait > 0 && wait <= 901, `Retry-After ${String(wait)}`)
    // Every dialect refuses that address, each in its own words, all with Retry-After.
    const acme = [
      ...['-H', 'X-Api-User: alice', '-H', 'X-Api-Key: guess'],
      ...['-H', 'Content-Type: application/json'],
      ...['-d', JSON.stringify({ subdomain: `alice.${TEST_ZONE}`, txt: 'a'.repeat(43) })],
    ]
    for (const [path, extra, status, body] of [
      ['/update?domains=alice&token=guess', [], 429, 'KO'],
      [`/api/update?zone=alice.${TEST_ZONE}&token=guess&ipv4=auto`, [], 429, 'too many requests'],
      ['/update', acme, 429, '{"error":"too_many_requests"}'],
    ] as const) {
      const r = await curl(['-H', `X-Forwarded-For: ${from}`, ...extra, `${http}${path}`])
      assert.deepEqual([r.status, r.body], [status, body], path)
      assert.ok(retryAfter(r.headers) > 0, `${path}: ${r.headers}`)
    }
    const elsewhere = await update(
      'alice',
      PASSWORDS.alice ?? '',
      '203.0.113.21',
      `hostname=alice.${TEST_ZONE}&myip=192.0.2.1`,
    )
    assert.equal(elsewhere.body, 'good 192.0.2.1', 'another address is not affected')
  })

  it('refuses an account over its success budget, with Retry-After', async () => {
    const from = '203.0.113.30'
    for (let i = 0; i < 5; i++) {
      const r = await update(
        'bob',
        PASSWORDS.bob ?? '',
        from,
        `hostname=bob.${TEST_ZONE}&myip=192.0.2.2`,
      )
      assert.match(r.body, /^(good|nochg) 192\.0\.2\.2$/, `ping ${String(i)}`)
    }
    // From another address too: the account's budget, not only the address's.
    const r = await update('bob', PASSWORDS.bob ?? '', '203.0.113.31', `hostname=bob.${TEST_ZONE}`)
    assert.equal(r.status, 429)
    assert.equal(r.body, 'abuse')
    assert.ok(retryAfter(r.headers) > 0)
  })

  it('never counts dnserr (backend down) against the client', async () => {
    const from = '203.0.113.40'
    bind?.pause()
    try {
      await dnserrs(from)
    } finally {
      bind?.resume()
    }
    const r = await update(
      'carol',
      PASSWORDS.carol ?? '',
      from,
      `hostname=carol.${TEST_ZONE}&myip=192.0.2.40`,
    )
    assert.equal(r.body, 'good 192.0.2.40', 'eight dnserr spent neither budget')
  })

  // Eight changes while the zone's server is frozen: more than both budgets of the address.
  const dnserrs = async (from: string): Promise<void> => {
    for (let i = 1; i <= 8; i++) {
      const r = await update(
        'carol',
        PASSWORDS.carol ?? '',
        from,
        `hostname=carol.${BIND_ZONE}&myip=192.0.2.${String(i)}`,
      )
      assert.equal(r.body, 'dnserr', `update ${String(i)}`)
    }
  }

  it('locks a user name at one address; the lock survives a restart; others pass', async () => {
    const from = '203.0.113.50'
    const q = `hostname=alice.${TEST_ZONE}&myip=192.0.2.50`
    for (let i = 0; i < 3; i++) {
      assert.equal((await update('alice', 'wrong', from, q)).body, 'badauth')
    }
    const locked = await update('alice', PASSWORDS.alice ?? '', from, q)
    assert.equal(locked.body, 'abuse', 'the right password is refused while locked')
    assert.ok(retryAfter(locked.headers) > 0 && retryAfter(locked.headers) <= 60)
    // Delivered in the background: wait for it (bounded).
    for (let i = 0; i < 50 && hooks.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
    const told = hooks.filter((h) => h.event === 'lockout')
    assert.deepEqual(
      told.map((h) => [h.subject, h.client_ip]),
      [['alice', from]],
      'the owner is told once',
    )
    await server?.stop()
    await start()
    const still = await update('alice', PASSWORDS.alice ?? '', from, q)
    assert.equal(still.body, 'abuse', 'still locked after the restart')
    const victim = await update('alice', PASSWORDS.alice ?? '', '203.0.113.51', q)
    assert.equal(victim.body, 'good 192.0.2.50', 'the owner elsewhere is not locked out')
  })

  it('never locks an allow-listed address', async () => {
    const from = '198.51.100.7'
    const q = `hostname=alice.${TEST_ZONE}&myip=192.0.2.7`
    for (let i = 0; i < 5; i++)
      assert.equal((await update('alice', 'wrong', from, q)).body, 'badauth')
    assert.equal((await update('alice', PASSWORDS.alice ?? '', from, q)).body, 'good 192.0.2.7')
  })

  it('lists lockouts and lifts them from the CLI', async () => {
    const listed = await cli('lockout', 'list', '--json')
    assert.equal(listed.code, 0, listed.stdout)
    const rows = JSON.parse(listed.stdout) as { subject: string; source: string }[]
    assert.deepEqual(
      rows.map((r) => [r.subject, r.source]),
      [['user:alice', '203.0.113.50']],
    )
    const lifted = await cli('lockout', 'lift', 'alice', '--source', '203.0.113.50')
    assert.equal(lifted.code, 0, lifted.stdout)
    assert.match(lifted.stdout, /lifted 1 lockout/)
    const q = `hostname=alice.${TEST_ZONE}&myip=192.0.2.51`
    const r = await update('alice', PASSWORDS.alice ?? '', '203.0.113.50', q)
    assert.equal(r.body, 'good 192.0.2.51')
    const again = await cli('lockout', 'lift', 'alice')
    assert.equal(again.code, 66, again.stdout)
    assert.equal((await cli('lockout', 'list')).stdout, '(none)\n')
  })

  // nginx's usual `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` appends the
  // peer and passes a client's own Forwarded header through: that header must not count.
  it('reads only X-Forwarded-For: a client-sent Forwarded cannot pick an allowed address', async () => {
    const from = '203.0.113.70'
    const q = `hostname=bob.${TEST_ZONE}&myip=192.0.2.70`
    const forged = ['-H', 'Forwarded: for=198.51.100.9']
    const bob = (password: string) =>
      curl([
        '-u',
        `bob:${password}`,
        '-H',
        `X-Forwarded-For: ${from}`,
        ...forged,
        `${http}/nic/update?${q}`,
      ])
    for (let i = 0; i < 3; i++) assert.equal((await bob('wrong')).body, 'badauth')
    assert.equal((await bob(PASSWORDS.bob ?? '')).body, 'abuse', 'locked at its real address')
    const rows = JSON.parse((await cli('lockout', 'list', '--json')).stdout) as { source: string }[]
    assert.deepEqual(
      rows.map((r) => r.source),
      [from],
    )
  })

  it('refuses private addresses in a public zone and changes nothing', async () => {
    const from = '203.0.113.60'
    const host = `dave.${PUBLIC_ZONE}`
    const pub = await update(
      'dave',
      PASSWORDS.dave ?? '',
      from,
      `hostname=${host}&myip=93.184.216.34`,
    )
    assert.equal(pub.body, 'good 93.184.216.34')
    for (const [address, kind] of [
      ['192.168.1.10', 'private'],
      ['100.64.1.1', 'CGNAT shared'],
      ['fd00::10', 'unique local'],
      ['2002:c0a8:10a::1', 'private (6to4 of 192.168.1.10)'],
    ] as const) {
      const r = await update('dave', PASSWORDS.dave ?? '', from, `hostname=${host}&myip=${address}`)
      assert.equal(r.status, 400, r.body)
      assert.equal(
        r.body,
        `badip ${address} is a ${kind} address; zone ${PUBLIC_ZONE} accepts public addresses only`,
      )
    }
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, host, 'A'), ['93.184.216.34'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, host, 'AAAA'), [])
    // The demo-style test zone takes documentation and private addresses as before.
    const lab = await update(
      'alice',
      PASSWORDS.alice ?? '',
      from,
      `hostname=alice.${TEST_ZONE}&myip=10.1.2.3`,
    )
    assert.equal(lab.body, 'good 10.1.2.3')
  })
})
