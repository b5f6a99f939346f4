/**
 * A running `dynzone serve` as clients and operators meet it: password and token auth,
 * changes made with the CLI reaching DNS, malformed requests refused without changing
 * anything, secrets absent from every log line, and clear start-up failures.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort, run } from '../helpers/tools.ts'

const PASSWORD = 'pw-Zebra-Quartz-91'
const ZONE = 'dyn.example.test'

async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.fail(`not within ${String(timeoutMs)} ms: ${what}`)
}

describe('dynzone serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-serve-'))
  let server: DynzoneProcess
  let base = ''
  let dnsPort = 0
  let token = ''
  const secrets: string[] = [PASSWORD]
  const a = (name: string) => digShort('127.0.0.1', dnsPort, name)

  before(async () => {
    const cli = (args: string[], stdin?: string) =>
      runDynzone(args, dir, stdin === undefined ? {} : { stdin })
    assert.equal((await cli(['user', 'add', 'alice', '--password-stdin'], PASSWORD + '\n')).code, 0)
    assert.equal((await cli(['user', 'add', 'mallory'])).code, 0)
    for (const [host, owner] of [
      ['home', 'alice'],
      ['office', 'alice'],
      ['cellar', 'mallory'],
    ]) {
      assert.equal(
        (await cli(['host', 'add', `${host ?? ''}.${ZONE}`, '--user', owner ?? ''])).code,
        0,
      )
    }
    const created = await cli(['token', 'create', '--user', 'alice', '--json'])
    token = (JSON.parse(created.stdout) as { secret: string }).secret
    secrets.push(token)
    server = startDynzone(
      ['serve', '--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
      dir,
    )
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+), DNS on 127\.0\.0\.1:(\d+)/)
    base = `http://127.0.0.1:${m[1] ?? ''}`
    dnsPort = Number(m[2])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('accepts the account password and a token, for the user’s own hosts only', async () => {
    const pw = await curl([
      '-u',
      `alice:${PASSWORD}`,
      `${base}/nic/update?hostname=home.${ZONE}&myip=198.51.100.1`,
    ])
    assert.equal(pw.body, 'good 198.51.100.1')
    // A second ping with the password is served from the verification cache; same answer.
    const again = await curl([
      '-u',
      `alice:${PASSWORD}`,
      `${base}/nic/update?hostname=home.${ZONE}&myip=198.51.100.1`,
    ])
    assert.equal(again.body, 'nochg 198.51.100.1')
    const multi = await curl([
      '-u',
      `alice:${token}`,
      `${base}/nic/update?hostname=home.${ZONE},office.${ZONE},cellar.${ZONE},nope.${ZONE},bad..name&myip=198.51.100.2,2001:db8::2`,
    ])
    assert.equal(
      multi.body,
      [
        'good 198.51.100.2,2001:db8::2',
        'good 198.51.100.2,2001:db8::2',
        '!yours',
        'nohost',
        'notfqdn',
      ].join('\n'),
    )
    assert.deepEqual(await a(`home.${ZONE}`), ['198.51.100.2'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `office.${ZONE}`, 'AAAA'), [
      '2001:db8::2',
    ])
    assert.deepEqual(await a(`cellar.${ZONE}`), [])
    // Query-string credentials, as router URL templates send them.
    const query = await curl([
      `${base}/nic/update?hostname=home.${ZONE}&myip=198.51.100.3&username=alice&password=${PASSWORD}`,
    ])
    assert.equal(query.body, 'good 198.51.100.3')
  })

  it('keeps the other family when only one is sent, and uses the source address when none is', async () => {
    const v4 = await curl([
      '-u',
      `alice:${token}`,
      `${base}/nic/update?hostname=office.${ZONE}&myip=198.51.100.9`,
    ])
    assert.equal(v4.body, 'good 198.51.100.9')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `office.${ZONE}`, 'AAAA'), [
      '2001:db8::2',
    ])
    const auto = await curl(['-u', `alice:${token}`, `${base}/nic/update?hostname=office.${ZONE}`])
    assert.equal(auto.body, 'good 127.0.0.1')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `office.${ZONE}`, 'AAAA'), [
      '2001:db8::2',
    ])
    const off = await curl([
      '-u',
      `alice:${token}`,
      `${base}/nic/update?hostname=office.${ZONE}&offline=YES`,
    ])
    assert.equal(off.body, 'good')
    assert.deepEqual(await a(`office.${ZONE}`), [])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `office.${ZONE}`, 'AAAA'), [])
  })

  it('refuses malformed requests precisely and changes nothing', async () => {
    const before = await a(`home.${ZONE}`)
    const cases: [string[], number, RegExp][] = [
      [
        ['-u', `alice:${token}`, `${base}/nic/update?hostname=home.${ZONE}&myip=1.2.3.999`],
        400,
        /^badip "1\.2\.3\.999" is not an IPv4 or IPv6 address$/,
      ],
      [
        ['-u', `alice:${token}`, `${base}/nic/update?hostname=home.${ZONE}&myip=1.2.3.4,5.6.7.8`],
        400,
        /^badip more than one address/,
      ],
      [['-u', `alice:${token}`, `${base}/nic/update?hostname=home.${ZONE}&myip=%zz`], 400, /./],
      [
        ['-u', `alice:${token}`, `${base}/nic/update?hostname=home.${ZONE}&system=weird`],
        200,
        /^badsys$/,
      ],
      [
        ['-u', `alice:${token}`, `${base}/nic/update?hostname=${'a'.repeat(300)}`],
        200,
        /^notfqdn$/,
      ],
      [['-u', `alice:${token}`, `${base}/nic/update?myip=198.51.100.77`], 200, /^notfqdn$/],
      [
        [
          '-u',
          `alice:${token}`,
          `${base}/nic/update?hostname=${Array.from({ length: 21 }, () => `home.${ZONE}`).join(',')}`,
        ],
        200,
        /^numhost$/,
      ],
      [
        ['-H', 'Authorization: Basic !!!', `${base}/nic/update?hostname=home.${ZONE}`],
        401,
        /^badauth$/,
      ],
      [
        [
          '-X',
          'POST',
          '-H',
          'content-type: application/x-www-form-urlencoded',
          '--data-binary',
          'x'.repeat(70_000),
          `${base}/nic/update`,
        ],
        413,
        /./,
      ],
    ]
    for (const [args, status, body] of cases) {
      const r = await curl(args)
      assert.equal(r.status, status, `${args.at(-1) ?? ''}: ${r.body}`)
      assert.match(r.body, body)
    }
    assert.deepEqual(await a(`home.${ZONE}`), before)
    assert.equal((await curl([`${base}/healthz`])).body, 'alive\n')
  })

  it('follows changes made with the CLI while running', async () => {
    assert.deepEqual(await a(`home.${ZONE}`), ['198.51.100.3'])
    assert.equal((await runDynzone(['host', 'delete', `home.${ZONE}`], dir)).code, 0)
    await eventually(async () => (await a(`home.${ZONE}`)).length === 0, 'deleted host leaves DNS')
    const list = await runDynzone(['token', 'list', '--json'], dir)
    const [first] = JSON.parse(list.stdout) as { id: number }[]
    assert.equal((await runDynzone(['token', 'revoke', String(first?.id)], dir)).code, 0)
    const refused = await curl([
      '-u',
      `alice:${token}`,
      `${base}/nic/update?hostname=office.${ZONE}&myip=198.51.100.5`,
    ])
    assert.equal(refused.status, 401)
    assert.equal(refused.body, 'badauth')
  })

  it('never writes a secret to its logs', () => {
    const output = server.stdout() + server.stderr()
    assert.match(output, /"msg":"update"/, 'updates are logged')
    for (const secret of secrets)
      assert.ok(!output.includes(secret), 'a secret appeared in the log output')
  })

  it('fails to start, with the reason, when a port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    try {
      const other = mkdtempSync(join(tmpdir(), 'dynzone-port-'))
      const r = await runDynzone(
        ['serve', '--set', `http.port=${String(port)}`, '--set', 'dns.port=0'],
        other,
      )
      assert.equal(r.code, 69)
      assert.match(
        r.stderr,
        new RegExp(`HTTP port 127\\.0\\.0\\.1:${String(port)} is already in use`),
      )
      const dns = await runDynzone(
        ['serve', '--set', 'http.port=0', '--set', `dns.port=${String(dnsPort)}`],
        other,
      )
      assert.equal(dns.code, 69)
      assert.match(
        dns.stderr,
        new RegExp(`DNS port 127\\.0\\.0\\.1:${String(dnsPort)} is already in use`),
      )
      rmSync(other, { recursive: true, force: true })
    } finally {
      blocker.close()
    }
    assert.equal(
      (await run('dig', ['@127.0.0.1', '-p', String(dnsPort), ZONE, 'SOA', '+short'])).code,
      0,
    )
  })
})
