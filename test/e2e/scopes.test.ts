/**
 * Scoped tokens through every update dialect, end to end: tokens made with the real CLI
 * (`--host` repeated, `--type`, `--from`, `--expires`, `--scope api`), the real server, a
 * real `curl` in each dialect's request shape. Each restriction is refused with the
 * dialect's own auth-failure reply and changes nothing (`dig` and `host list` unchanged);
 * a token whose every limit is met updates, and `dig` shows it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
// Some 35 refusals come from one curl on loopback: the abuse limits are limits.test.ts's topic,
// so this client is exempt from them here.
const ARGS = [
  ...['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
  ...['--set', 'rate_limit.exempt=127.0.0.1', '--set', 'security.lockout_allow=127.0.0.1'],
]
const DIALECTS = [
  'dyndns2',
  'sftdyn',
  'django',
  'dyndns53',
  'duckdns',
  'dynv6',
  'acme-dns',
] as const
type Dialect = (typeof DIALECTS)[number]
type Refusal = 'host' | 'type' | 'from' | 'expired' | 'api'
const VALIDATION = 'A'.repeat(43)

// What a refused request gets, per dialect: `badauth`-like for a credential not valid here
// (source range, expiry, API token), `!yours`-like for a host or type outside its limits.
const REFUSED: Record<Dialect, { auth: [number, string]; host: [number, string] }> = {
  dyndns2: { auth: [401, 'badauth'], host: [200, '!yours'] },
  sftdyn: { auth: [403, 'BADKEY'], host: [403, 'BADKEY'] },
  django: {
    auth: [403, '{"error": "Authentication failure"}'],
    host: [403, '{"error": "Authentication failure"}'],
  },
  dyndns53: { auth: [401, ''], host: [401, ''] },
  duckdns: { auth: [200, 'KO'], host: [200, 'KO'] },
  dynv6: {
    auth: [401, 'invalid authentication token'],
    host: [403, 'zone not allowed for this token'],
  },
  'acme-dns': { auth: [401, '{"error":"forbidden"}'], host: [401, '{"error":"forbidden"}'] },
}

describe('scoped tokens in every dialect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-scopes-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  const tokens = new Map<string, string>()

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runInProcess([...args, ...ARGS], dir)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const host = (d: Dialect): string => `ok-${d}.${ZONE}`
  const make = async (name: string, ...limits: string[]): Promise<void> => {
    const out = await cli('token', 'create', '--user', 'alice', '--json', ...limits)
    tokens.set(name, (JSON.parse(out) as { secret: string }).secret)
  }
  const FROM_HERE = ['--from', '127.0.0.0/8', '--from', '2001:db8::/32']
  const ADDRESS_HOSTS = DIALECTS.filter((d) => d !== 'sftdyn' && d !== 'acme-dns').flatMap((d) => [
    '--host',
    host(d),
  ])

  before(async () => {
    await cli('user', 'add', 'alice')
    for (const d of DIALECTS) await cli('host', 'add', host(d), '--user', 'alice')
    await cli('host', 'add', `spare.${ZONE}`, '--user', 'alice')
    await cli('host', 'add', `spare2.${ZONE}`, '--user', 'alice')
    const expires = Date.now() + 4000
    await make('expired', '--expires', '4s')
    await make('sftdyn:expired', '--host', host('sftdyn'), '--expires', '4s')
    // Allowed: every limit met (several hosts, its record type, this source, a far expiry).
    await make('allowed', ...ADDRESS_HOSTS, '--type', 'A', ...FROM_HERE, '--expires', '30d')
    await make('sftdyn:allowed', '--host', host('sftdyn'), '--type', 'A', ...FROM_HERE)
    await make(
      'acme-dns:allowed',
      '--host',
      host('acme-dns'),
      '--host',
      `spare.${ZONE}`,
      '--type',
      'TXT',
      ...FROM_HERE,
    )
    await make('host', '--host', `spare.${ZONE}`, '--host', `spare2.${ZONE}`)
    await make('type', '--type', 'AAAA')
    await make('sftdyn:type', '--host', host('sftdyn'), '--type', 'AAAA')
    await make('from', '--from', '192.0.2.0/24')
    await make('sftdyn:from', '--host', host('sftdyn'), '--from', '192.0.2.0/24')
    await make('api', '--scope', 'api')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expires - Date.now() + 200)))
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const secret = (d: Dialect, kind: Refusal | 'allowed'): string =>
    tokens.get(`${d}:${kind}`) ?? tokens.get(kind) ?? ''

  // One update in the dialect's own request shape; addresses are 203.0.113.x or the source.
  function update(d: Dialect, token: string): ReturnType<typeof curl> {
    const h = host(d)
    switch (d) {
      case 'dyndns2':
        return curl(['-u', `alice:${token}`, `${http}/nic/update?hostname=${h}&myip=203.0.113.1`])
      case 'sftdyn':
        return curl([`${http}/${token}`])
      case 'django':
        return curl([`${http}/update/${h}/`, '--data', `key=${token}&ip=203.0.113.3`])
      case 'dyndns53':
        return curl(['-u', `${h}:${token}`, `${http}/register_ip`])
      case 'duckdns':
        return curl([`${http}/update?domains=ok-duckdns&token=${token}&ip=203.0.113.5`])
      case 'dynv6':
        return curl([`${http}/api/update?hostname=${h}&token=${token}&ipv4=203.0.113.6`])
      case 'acme-dns':
        return curl([
          '-X',
          'POST',
          '-H',
          'X-Api-User: alice',
          '-H',
          `X-Api-Key: ${token}`,
          '-H',
          'Content-Type: application/json',
          '--data',
          JSON.stringify({ subdomain: h, txt: VALIDATION }),
          `${http}/update`,
        ])
    }
  }
  const published = async (d: Dialect): Promise<string[]> =>
    d === 'acme-dns'
      ? digShort('127.0.0.1', dnsPort, `_acme-challenge.${host(d)}`, 'TXT')
      : digShort('127.0.0.1', dnsPort, host(d), 'A')

  for (const kind of ['host', 'type', 'from', 'expired', 'api'] as const) {
    it(`refuses a token outside its ${kind} limit in every dialect, changing nothing`, async () => {
      for (const d of DIALECTS) {
        const r = await update(d, secret(d, kind))
        const auth = kind === 'from' || kind === 'expired' || kind === 'api'
        const [status, body] = REFUSED[d][auth ? 'auth' : 'host']
        assert.deepEqual([r.status, r.body], [status, body], `${d}, ${kind}`)
        assert.deepEqual(await published(d), [], `${d}: DNS unchanged after ${kind}`)
      }
      const hosts = JSON.parse(await cli('host', 'list', '--json')) as { ipv4: unknown }[]
      assert.ok(hosts.every((h) => h.ipv4 === null))
    })
  }

  it('accepts a token whose every limit is met, in every dialect', async () => {
    for (const d of DIALECTS) {
      const r = await update(d, secret(d, 'allowed'))
      assert.equal(r.status, 200, `${d}: ${r.body}`)
      const shown = await published(d)
      assert.equal(shown.length, 1, `${d}: ${JSON.stringify(shown)}`)
      assert.match(
        shown[0] ?? '',
        d === 'acme-dns' ? /^"A{43}"$/ : /^(203\.0\.113\.\d|127\.0\.0\.1)$/,
      )
    }
  })

  it('refuses the multi-host token on a host it does not list', async () => {
    const r = await curl([
      '-u',
      `alice:${secret('dyndns2', 'allowed')}`,
      `${http}/nic/update?hostname=spare.${ZONE},${host('dynv6')}&myip=203.0.113.9`,
    ])
    assert.deepEqual([r.status, r.body], [200, '!yours\ngood 203.0.113.9'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `spare.${ZONE}`, 'A'), [])
  })

  it('lists the limits of each token, never a secret', async () => {
    const listed = await cli('token', 'list', '--json')
    for (const s of tokens.values()) assert.ok(!listed.includes(s))
    const rows = JSON.parse(listed) as {
      hosts: string[] | null
      recordTypes: string[] | null
      sources: string[] | null
    }[]
    assert.ok(
      rows.some(
        (t) =>
          t.hosts?.length === 5 &&
          t.recordTypes?.join() === 'A' &&
          t.sources?.join() === '127.0.0.0/8,2001:db8::/32',
      ),
    )
  })
})
