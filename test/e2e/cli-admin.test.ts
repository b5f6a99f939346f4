/**
 * The administration commands added for accounts work, as a real process: `user email`,
 * `host modify` (TTLs, expiry, groups), `token create` limits, `zone add` (a checked append
 * to the config file) and `history` after a real update. Bad input: the documented exit
 * code, a precise message, and nothing changed.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('dynzone administration commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-cli-admin-'))
  let server: DynzoneProcess | undefined
  after(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const cli = (args: string[], stdin?: string) =>
    runInProcess([...args, ...ARGS], dir, stdin === undefined ? {} : { stdin })
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  // Each bad call: exit code, message, and the listing unchanged.
  const refuses = async (listing: string[], cases: [string[], number, RegExp][]): Promise<void> => {
    const before = await ok(...listing)
    for (const [args, code, message] of cases) {
      const r = await cli(args)
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message, args.join(' '))
    }
    assert.equal(await ok(...listing), before)
  }

  it('sets and clears a user’s email; refuses bad ones', async () => {
    await ok('user', 'add', 'alice')
    assert.equal(await ok('user', 'email', 'alice', 'alice@example.com'), 'email of alice set\n')
    const users = JSON.parse(await ok('user', 'list', '--json')) as { email: string | null }[]
    assert.equal(users[0]?.email, 'alice@example.com')
    await refuses(
      ['user', 'list', '--json'],
      [
        [['user', 'email', 'alice', 'not-an-address'], 65, /"not-an-address" is not an email/],
        [['user', 'email', 'nobody', 'a@example.com'], 66, /user "nobody" not found/],
        [['user', 'add', 'carol', '--email', 'carol at home'], 65, /--email: "carol at home"/],
      ],
    )
    assert.equal(await ok('user', 'email', 'alice', 'none'), 'email of alice cleared\n')
    const passwd = await cli(['user', 'passwd', 'alice', '--password-stdin'], 'a long password\n')
    assert.equal(passwd.code, 0, passwd.stderr)
  })

  it('modifies a host’s TTLs and group; refuses bad values without changing anything', async () => {
    await ok('host', 'add', `home.${ZONE}`, '--user', 'alice', '--dns-ttl', '120')
    await ok('group', 'add', 'lan', '--user', 'alice', '--prefix-length', '64')
    await ok('host', 'modify', `home.${ZONE}`, '--dns-ttl', '300', '--expiry-ttl', '86400')
    await ok('host', 'modify', `home.${ZONE}`, '--group', 'lan', '--iid', '::1:2')
    type Row = { dnsTtl: number | null; expiryTtl: number; group: unknown }
    const [row] = JSON.parse(await ok('host', 'list', '--json')) as Row[]
    assert.deepEqual(
      [row?.dnsTtl, row?.expiryTtl, row?.group],
      [300, 86400, { name: 'lan', iid: '::1:2' }],
    )
    await refuses(
      ['host', 'list', '--json'],
      [
        [
          ['host', 'modify', `home.${ZONE}`, '--dns-ttl', '0'],
          65,
          /--dns-ttl: TTL must be a whole number of seconds from 1 to 604800/,
        ],
        [['host', 'modify', `home.${ZONE}`, '--expiry-ttl', '-1'], 65, /--expiry-ttl/],
        [['host', 'modify', `home.${ZONE}`, '--group', 'lan'], 65, /--group and --iid go together/],
        [['host', 'modify', `home.${ZONE}`], 64, /nothing to change/],
        [['host', 'modify', `nope.${ZONE}`, '--dns-ttl', '60'], 66, /host "nope\.dyn/],
        [['host', 'list', '--user', 'nobody'], 66, /user "nobody" not found/],
        [
          ['host', 'add', `x.${ZONE}`, '--user', 'alice', '--ttl', '5', '--dns-ttl', '6'],
          64,
          /not both/,
        ],
      ],
    )
    await ok('host', 'modify', `home.${ZONE}`, '--dns-ttl', 'zone', '--no-group')
    const [reset] = JSON.parse(await ok('host', 'list', '--json')) as Row[]
    assert.deepEqual([reset?.dnsTtl, reset?.group], [null, null])
  })

  it('creates limited tokens and refuses bad limits', async () => {
    await ok('host', 'add', `nas.${ZONE}`, '--user', 'alice')
    type Made = { hosts: string[]; recordTypes: string[]; sources: string[]; expiresAt: string }
    const { token: made } = JSON.parse(
      await ok(
        'token',
        'create',
        '--user',
        'alice',
        '--json',
        '--host',
        `home.${ZONE}`,
        '--host',
        `nas.${ZONE}`,
        '--type',
        'aaaa',
        '--from',
        '2001:db8::/32',
        '--expires',
        '2w',
      ),
    ) as { token: Made }
    assert.deepEqual(made.hosts.sort(), [`home.${ZONE}`, `nas.${ZONE}`])
    assert.deepEqual([made.recordTypes, made.sources], [['AAAA'], ['2001:db8::/32']])
    const inTwoWeeks = Date.now() + 14 * 86_400_000
    assert.ok(Math.abs(Date.parse(made.expiresAt) - inTwoWeeks) < 600_000)
    const create = ['token', 'create', '--user', 'alice']
    await refuses(
      ['token', 'list', '--json'],
      [
        [[...create, '--type', 'MX'], 65, /--type: "MX" is not a record type \(A, AAAA, TXT\)/],
        [[...create, '--from', '10.0.0.0/33'], 65, /--from: "10\.0\.0\.0\/33" is not an address/],
        [
          [...create, '--expires', '2001-01-01'],
          65,
          /--expires: 2001-01-01T00:00:00\.000Z is not in the future/,
        ],
        [[...create, '--expires', '3 days'], 65, /--expires: "3 days" is not a date/],
        [
          [...create, '--scope', 'api', '--host', `home.${ZONE}`],
          65,
          /--scope api: --host and --type/,
        ],
        [[...create, '--host', `home.${ZONE}`, '--host', `gone.${ZONE}`], 66, /host "gone\.dyn/],
      ],
    )
  })

  it('adds a zone to the config file only when the file still loads', async () => {
    const noFile = await cli(['zone', 'add', 'two.example.test'])
    assert.equal(noFile.code, 78)
    assert.match(noFile.stderr, /no config file in use/)
    await ok('init')
    const before = readFileSync(join(dir, 'dynzone.toml'), 'utf8')
    await refuses(
      ['zone', 'list', '--json'],
      [
        [['zone', 'add', 'bad zone!'], 65, /bad zone!: /],
        [['zone', 'add', ZONE], 73, /zone dyn\.example\.test is already configured/],
        [['zone', 'add', 'two.example.test', '--backend', 'nosuch'], 78, /nothing written/],
      ],
    )
    assert.equal(readFileSync(join(dir, 'dynzone.toml'), 'utf8'), before)
    const added = await ok('zone', 'add', 'two.example.test', '--ttl', '120')
    assert.match(added, /added zone two\.example\.test \(backend builtin\).*\nrestart dynzone/)
    const zones = JSON.parse(await ok('zone', 'list', '--json')) as { name: string }[]
    assert.deepEqual(zones.map((z) => z.name).sort(), [ZONE, 'two.example.test'])
  })

  it('shows a host’s history after a real update, as a table and as JSON', async () => {
    const secret = (
      JSON.parse(
        await ok('token', 'create', '--user', 'alice', '--host', `home.${ZONE}`, '--json'),
      ) as {
        secret: string
      }
    ).secret
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
    const r = await curl([
      `http://127.0.0.1:${m[2] ?? ''}/nic/update?hostname=home.${ZONE}&myip=192.0.2.44`,
      '-u',
      `alice:${secret}`,
    ])
    assert.equal(r.body, 'good 192.0.2.44')
    const rows = JSON.parse(await ok('history', `home.${ZONE}`, '--json')) as Record<
      string,
      unknown
    >[]
    assert.equal(rows.length, 1)
    assert.deepEqual(
      [rows[0]?.newValue, rows[0]?.dialect, rows[0]?.clientIp],
      ['192.0.2.44,-', 'dyndns2', '127.0.0.1'],
    )
    assert.match(await ok('history', `home.${ZONE}`, '--limit', '5'), /^AT +RESULT +OLD +NEW/)
    await refuses(
      ['history', `home.${ZONE}`, '--json'],
      [
        [
          ['history', `home.${ZONE}`, '--limit', '0'],
          65,
          /--limit: "0" is not a whole number from 1 to 10000/,
        ],
        [['history', `nope.${ZONE}`], 66, /host "nope\.dyn\.example\.test" not found/],
      ],
    )
  })
})
