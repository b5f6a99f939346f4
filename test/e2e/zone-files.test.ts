/**
 * `dynzone zone export` and `zone import`, in-process against a SQLite data directory: the
 * exported master file is what the backends are given (the config's SOA, NS and
 * `ns_addresses`, the hosts' records, the static records), `named-checkzone` and Knot's zone
 * check accept it; an import's dry run lists the change and writes nothing, an export
 * imported again changes nothing, and a bad file gets its precise errors and changes nothing.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { knotZonecheck, namedCheckzone } from '../helpers/zone-check.ts'

const ZONE = 'dyn.example.test'
const CONFIG = `data_dir = "./data"
[demo]
enabled = false
[[zones]]
name = "${ZONE}"
backend = "builtin"
ttl = 60
ns = ["ns1.${ZONE}", "ns.example.net"]
[[zones.ns_addresses]]
name = "ns1.${ZONE}"
addresses = ["192.0.2.53", "2001:db8::53"]
`

describe('dynzone zone export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-zone-files-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  writeFileSync(join(dir, 'dynzone.toml'), CONFIG)
  const cli = (...args: string[]) => runInProcess(args, dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  it('writes the served zone, which named-checkzone and kzonecheck accept', async () => {
    await ok('user', 'add', 'alice')
    await ok(
      'host',
      'add',
      `home.${ZONE}`,
      '--user',
      'alice',
      '--ipv4',
      '198.51.100.7',
      '--ipv6',
      '2001:db8::7',
    )
    await ok(
      'host',
      'add',
      `nas.${ZONE}`,
      '--user',
      'alice',
      '--ipv4',
      '198.51.100.8',
      '--ttl',
      '300',
    )
    const text = await ok('zone', 'export', ZONE)
    const lines = text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(';') && !l.startsWith('$'))
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^${ZONE}\\.\\t60\\tIN\\tSOA\\tns1\\.${ZONE}\\. hostmaster\\.${ZONE}\\. \\d+ 3600 600 1209600 60$`,
      ),
    )
    assert.deepEqual(
      lines.slice(1).map((l) => l.replaceAll('\t', ' ')),
      [
        `${ZONE}. 60 IN NS ns.example.net.`,
        `${ZONE}. 60 IN NS ns1.${ZONE}.`,
        `home.${ZONE}. 60 IN A 198.51.100.7`,
        `home.${ZONE}. 60 IN AAAA 2001:db8::7`,
        `nas.${ZONE}. 300 IN A 198.51.100.8`,
        `ns1.${ZONE}. 60 IN A 192.0.2.53`,
        `ns1.${ZONE}. 60 IN AAAA 2001:db8::53`,
      ],
    )
    assert.match(
      await ok('zone', 'export', ZONE, 'out.zone'),
      /^exported dyn\.example\.test: 8 records at serial \d+ to out\.zone\n$/,
    )
    const path = join(dir, 'out.zone')
    assert.equal(readFileSync(path, 'latin1'), text)
    const bind = await namedCheckzone(ZONE, path)
    assert.equal(bind.code, 0, bind.output)
    const knot = await knotZonecheck(ZONE, path)
    assert.equal(knot.code, 0, knot.output)
  })

  it('refuses a zone that is not served, and a bad name', async () => {
    const other = await cli('zone', 'export', 'other.example.test')
    assert.deepEqual(
      [other.code, other.stderr],
      [66, 'dynzone: zone other.example.test is not served (see: dynzone zone list)\n'],
    )
    const bad = await cli('zone', 'export', 'not a name')
    assert.equal(bad.code, 65)
    assert.match(bad.stderr, /^dynzone: zone: /)
  })

  const FILE = `$ORIGIN ${ZONE}.
$TTL 300
@     SOA ns1 hostmaster 2024010101 3600 600 1209600 60
      NS  ns1
      NS  ns.example.net.
      MX  10 mail
mail  A   192.0.2.25
www   CNAME home
home  A   198.51.100.7      ; the host's own: left to it
home  MX  10 mail
*.w   TXT "wild"
child NS  ns1.child
ns1.child A 192.0.2.99
`

  it('a dry run lists the change, says what it leaves alone, and writes nothing', async () => {
    writeFileSync(join(dir, 'in.zone'), FILE)
    const before = await ok('zone', 'export', ZONE)
    const out = await ok('zone', 'import', ZONE, 'in.zone', '--dry-run')
    assert.deepEqual(out.replaceAll('\t', ' ').split('\n'), [
      `+ ${ZONE}. 300 IN MX 10 mail.${ZONE}.`,
      `+ child.${ZONE}. 300 IN NS ns1.child.${ZONE}.`,
      `+ ns1.child.${ZONE}. 300 IN A 192.0.2.99`,
      `+ home.${ZONE}. 300 IN MX 10 mail.${ZONE}.`,
      `+ mail.${ZONE}. 300 IN A 192.0.2.25`,
      `+ *.w.${ZONE}. 300 IN TXT "wild"`,
      `+ www.${ZONE}. 300 IN CNAME home.${ZONE}.`,
      out.split('\n')[7] ?? '',
      `; ${ZONE}. NS: not imported: the apex NS come from the config ([[zones]] ns), which the file's differ from`,
      `; home.${ZONE}. A: not imported: a host's own A records stay dynamic (its client sets them); the file's differ`,
      '7 RRsets added, 0 removed, 0 changed, 0 unchanged (7 records in, 0 records out)',
      'dry run, nothing changed',
      '',
    ])
    assert.match(
      out.split('\n')[7] ?? '',
      /^; dyn\.example\.test\. SOA: not imported: .* the file's serial 2024010101 \(the zone's serial is \d+\) is not taken$/,
    )
    assert.equal(await ok('zone', 'export', ZONE), before)
  })

  it('imports, and an export imported again changes nothing', async () => {
    const out = await ok('zone', 'import', ZONE, 'in.zone')
    assert.match(
      out,
      /^imported into dyn\.example\.test: 7 RRsets added, 0 removed, 0 changed, 0 unchanged/m,
    )
    const exported = await ok('zone', 'export', ZONE)
    assert.match(
      exported,
      /^www\.dyn\.example\.test\.\t300\tIN\tCNAME\thome\.dyn\.example\.test\.$/m,
    )
    assert.match(exported, /^home\.dyn\.example\.test\.\t60\tIN\tA\t198\.51\.100\.7$/m)
    writeFileSync(join(dir, 'round.zone'), exported)
    const again = await ok('zone', 'import', ZONE, 'round.zone')
    assert.match(
      again,
      /: 0 RRsets added, 0 removed, 0 changed, 7 unchanged \(0 records in, 0 records out\)\n$/,
    )
    assert.equal(await ok('zone', 'export', ZONE), exported)
    const path = join(dir, 'round.zone')
    assert.equal((await namedCheckzone(ZONE, path)).code, 0)
    assert.equal((await knotZonecheck(ZONE, path)).code, 0)
  })

  it('the file is the static content: what it lacks is removed, a change replaces', async () => {
    writeFileSync(
      join(dir, 'less.zone'),
      FILE.replace('*.w   TXT "wild"\n', '').replace('192.0.2.25', '192.0.2.26'),
    )
    const out = await ok('zone', 'import', ZONE, 'less.zone', '--dry-run')
    assert.match(
      out,
      new RegExp(
        `^- mail\\.${ZONE.replaceAll('.', '\\.')}\\.\\t300\\tIN\\tA\\t192\\.0\\.2\\.25$`,
        'm',
      ),
    )
    assert.match(out, /^\+ mail\.dyn\.example\.test\.\t300\tIN\tA\t192\.0\.2\.26$/m)
    assert.match(out, /^- \*\.w\.dyn\.example\.test\.\t300\tIN\tTXT\t"wild"$/m)
    assert.match(
      out,
      /^0 RRsets added, 1 removed, 1 changed, 5 unchanged \(1 record in, 2 records out\)$/m,
    )
  })

  const bad: [string, string, RegExp][] = [
    [
      'a malformed line',
      FILE.replace('mail  A   192.0.2.25', 'mail  A   192.0.2.300'),
      /^ {2}bad\.zone:7: mail\.dyn\.example\.test\. A: "192\.0\.2\.300" is not an IPv4 address$/m,
    ],
    [
      'a CNAME beside other data',
      `${FILE}www TXT "beside"\n`,
      /^ {2}bad\.zone:8: www\.dyn\.example\.test\. CNAME: a CNAME must be alone at its name \(RFC 1034 §3\.6\.2\), here beside TXT$/m,
    ],
    [
      'a record below a delegation',
      `${FILE}www.child A 192.0.2.1\n`,
      /^ {2}bad\.zone:14: www\.child\.dyn\.example\.test\. A: below the delegation at child\.dyn\.example\.test\.: only A\/AAAA glue for its NS targets may be there$/m,
    ],
  ]
  for (const [what, text, expected] of bad)
    it(`${what}: the precise error, nothing changed`, async () => {
      writeFileSync(join(dir, 'bad.zone'), text)
      const before = await ok('zone', 'export', ZONE)
      for (const dry of [[], ['--dry-run']]) {
        const r = await cli('zone', 'import', ZONE, 'bad.zone', ...dry)
        assert.equal(r.code, 65, r.stderr)
        assert.match(r.stderr, /^dynzone: zone import refused, nothing changed \(1 problem\):\n/)
        assert.match(r.stderr, expected)
        assert.equal(r.stdout, '')
      }
      assert.equal(await ok('zone', 'export', ZONE), before)
    })
})
