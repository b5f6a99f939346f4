/**
 * Static records through the CLI: `record add` of an MX, a CNAME, a wildcard and a
 * delegation with glue; the refusals of the zone rules and the ownership rules, each with its
 * precise message and nothing changed; a host refused where a static record would clash; then `dig` against a running `dynzone serve` (the
 * built-in server) shows them, and a second start still does.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('dynzone record add|delete|list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-records-'))
  let server: DynzoneProcess | undefined
  after(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const cli = (args: string[]) => runInProcess([...args, ...ARGS], dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const listing = () => ok('record', 'list', ZONE, '--json')

  it('adds an MX, a CNAME, a wildcard and a delegation with glue', async () => {
    await ok('user', 'add', 'alice')
    await ok('host', 'add', `home.${ZONE}`, '--user', 'alice')
    await ok('record', 'add', ZONE, 'MX', '10', `mail.${ZONE}`)
    await ok('record', 'add', `mail.${ZONE}`, 'A', '192.0.2.25')
    await ok('record', 'add', `www.${ZONE}`, 'CNAME', `home.${ZONE}`, '--ttl', '600')
    await ok('record', 'add', `*.home.${ZONE}`, 'A', '192.0.2.80')
    await ok('record', 'add', `child.${ZONE}`, 'NS', `ns1.child.${ZONE}`)
    await ok('record', 'add', `ns1.child.${ZONE}`, 'A', '192.0.2.99')
    await ok(
      'record',
      'add',
      `home.${ZONE}`,
      'TLSA',
      '3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6',
    )
    const text = await ok('record', 'list', ZONE)
    assert.match(text, new RegExp(`www\\.${ZONE}\\s+CNAME\\s+600\\s+home\\.${ZONE}`))
    const sets = JSON.parse(await listing()) as { name: string; type: string; values: string[] }[]
    assert.deepEqual(
      sets.map((s) => `${s.name} ${s.type} ${s.values.join(',')}`),
      [
        `*.home.${ZONE} A 192.0.2.80`,
        `child.${ZONE} NS ns1.child.${ZONE}`,
        `${ZONE} MX 10 mail.${ZONE}`,
        `home.${ZONE} TLSA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6`,
        `mail.${ZONE} A 192.0.2.25`,
        `ns1.child.${ZONE} A 192.0.2.99`,
        `www.${ZONE} CNAME home.${ZONE}`,
      ],
    )
  })

  it('refuses a host where a static record would clash, and creates none', async () => {
    const cases: [string, RegExp][] = [
      [`www.${ZONE}`, /holds a static CNAME record/],
      [`mail.${ZONE}`, /holds static A records/],
      [`child.${ZONE}`, new RegExp(`at or below the delegation child\\.${ZONE} \\(NS\\)`)],
      [`deep.child.${ZONE}`, new RegExp(`at or below the delegation child\\.${ZONE} \\(NS\\)`)],
    ]
    for (const [fqdn, message] of cases) {
      const r = await cli(['host', 'add', fqdn, '--user', 'alice'])
      assert.notEqual(r.code, 0, fqdn)
      assert.match(r.stderr, message, fqdn)
    }
    const hosts = JSON.parse(await ok('host', 'list', '--json')) as { fqdn: string }[]
    assert.deepEqual(
      hosts.map((h) => h.fqdn),
      [`home.${ZONE}`],
    )
  })

  it('refuses what breaks a rule, each with its message, and changes nothing', async () => {
    const before = await listing()
    const cases: [string[], number, RegExp][] = [
      [
        ['record', 'add', `www.${ZONE}`, 'TXT', 'hello'],
        65,
        new RegExp(
          `^dynzone: www\\.${ZONE}\\. CNAME: a CNAME must be alone at its name .*beside TXT`,
        ),
      ],
      [
        ['record', 'add', `x.child.${ZONE}`, 'A', '192.0.2.1'],
        65,
        new RegExp(`x\\.child\\.${ZONE}\\. A: below the delegation at child\\.${ZONE}\\.`),
      ],
      [
        [
          'record',
          'add',
          `ds.${ZONE}`,
          'DS',
          '60485 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ],
        65,
        /DS only at a delegation/,
      ],
      [['record', 'add', ZONE, 'CNAME', `www.${ZONE}`], 65, /a CNAME at the apex/],
      [
        ['record', 'add', `home.${ZONE}`, 'A', '192.0.2.1'],
        65,
        /home\.dyn\.example\.test\. A: A at a host's own name is the host's dynamic address data/,
      ],
      [
        ['record', 'add', `home.${ZONE}`, 'CNAME', 'elsewhere.example.net'],
        65,
        /a CNAME never at a host's name/,
      ],
      [
        ['record', 'add', ZONE, 'NS', 'ns9.example.net'],
        65,
        /the apex NS records come from the config/,
      ],
      [
        ['record', 'add', `mx.${ZONE}`, 'MX', 'mail.example.net'],
        65,
        /mx\.dyn\.example\.test\. MX: "mail\.example\.net" is not an integer/,
      ],
      [['record', 'add', `a.${ZONE}`, 'BOGUS', 'x'], 65, /unknown record type "BOGUS"/],
      [
        ['record', 'add', 'www.example.net', 'A', '192.0.2.1'],
        66,
        /not in a zone this server serves/,
      ],
      [
        ['record', 'delete', `nowhere.${ZONE}`, 'MX'],
        66,
        /nowhere\.dyn\.example\.test\. MX: no such RRset/,
      ],
    ]
    for (const [args, code, message] of cases) {
      const r = await cli(args)
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message, args.join(' '))
    }
    assert.equal(await listing(), before)
  })

  it('a dry run shows the change and makes none; delete removes one value or the RRset', async () => {
    const before = await listing()
    const dry = await ok('record', 'add', ZONE, 'MX', '20', 'backup.example.net', '--dry-run')
    assert.match(
      dry,
      /would set:\n {2}dyn\.example\.test\. \d+ IN MX 10 mail\.dyn\.example\.test\n {2}dyn\.example\.test\. \d+ IN MX 20 backup\.example\.net\n/,
    )
    assert.equal(await listing(), before)
    await ok('record', 'add', ZONE, 'MX', '20', 'backup.example.net')
    await ok('record', 'delete', ZONE, 'MX', '20', 'backup.example.net')
    assert.equal(await listing(), before)
  })

  it('serves them from the built-in server, and again after a restart', async () => {
    for (const start of ['first', 'second']) {
      server = startDynzone(['serve', ...ARGS], dir)
      const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
      const port = Number(m[3])
      const dig = (name: string, type: string) => digShort('127.0.0.1', port, name, type)
      assert.deepEqual(await dig(ZONE, 'MX'), [`10 mail.${ZONE}.`], start)
      assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME'), [`home.${ZONE}.`], start)
      assert.deepEqual(await dig(`anything.home.${ZONE}`, 'A'), ['192.0.2.80'], start)
      assert.deepEqual(await dig(`ns1.child.${ZONE}`, 'A'), [], start)
      const referral = await digShort('127.0.0.1', port, `x.child.${ZONE}`, 'A', [
        '+noshort',
        '+noall',
        '+authority',
        '+additional',
      ])
      assert.deepEqual(
        referral.map((l) =>
          l
            .split(/\s+/)
            .filter((_, i) => i !== 1)
            .join(' '),
        ),
        [`child.${ZONE}. IN NS ns1.child.${ZONE}.`, `ns1.child.${ZONE}. IN A 192.0.2.99`],
        start,
      )
      await server.stop()
      server = undefined
    }
  })
})
