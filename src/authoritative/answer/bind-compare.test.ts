/**
 * Part 1: the same zone served by dynzone (ZoneIndex + startDnsServer) and by a real BIND 9
 * (`named -g`, `minimal-responses no-auth`, so positive answers carry no NS in authority but
 * do carry additional addresses, as dynzone's do): for each query, rcode, AA and the
 * answer/authority/additional record sets (`dig +norec`, sorted lines) must be equal.
 *
 * Part 2, the whole path: a master file with every type a zone here holds (apex records, a
 * wildcard, a delegation with glue and DS, PTR, SSHFP, TLSA, SVCB, HTTPS, CAA, …) is loaded by
 * BIND as it is and imported with `dynzone zone import` into a real `dynzone serve`; every
 * name and type of the file, and the negative and referral cases around them, get the same
 * answers, and an AXFR of dynzone's zone passes `named-checkzone` and Knot's zone check and
 * holds BIND's records. The file's SOA serial is not imported (dynzone numbers its own), so
 * BIND is given the file with dynzone's serial in it: nothing else differs.
 *
 * Owner names are compared lowercased (RFC 4343: the case BIND copies from a mixed-case
 * question is not data). No other differences are allowed: the list below is empty.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stopChild } from '../../../test/helpers/bind.ts'
import { freePort, waitForSoa } from '../../../test/helpers/daemon.ts'
import { runInProcess } from '../../../test/helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../../../test/helpers/dynzone-process.ts'
import { run } from '../../../test/helpers/tools.ts'
import { knotZonecheck, namedCheckzone } from '../../../test/helpers/zone-check.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { startDnsServer, type DnsServer } from '../server.ts'
import { ZoneIndex } from '../index/zone-index.ts'
import { typeMnemonic } from '../../zone/rr-types.ts'
import { loadZoneFile } from '../../zone/zone-file.ts'

const Z = 'cmp.example.test'
const ZONE = `
${Z}. 300 IN SOA ns1.${Z}. hostmaster.${Z}. 7 3600 600 1209600 60
${Z}. 300 IN NS ns1.${Z}.
${Z}. 300 IN NS ns2.${Z}.
${Z}. 300 IN MX 10 mail.${Z}.
${Z}. 300 IN MX 20 mx.example.net.
ns1.${Z}. 300 IN A 192.0.2.53
ns1.${Z}. 300 IN AAAA 2001:db8::53
ns2.${Z}. 300 IN A 192.0.2.54
mail.${Z}. 300 IN A 192.0.2.25
home.${Z}. 60 IN A 203.0.113.10
home.${Z}. 60 IN AAAA 2001:db8::10
home.${Z}. 60 IN TXT "hello world"
www.${Z}. 60 IN CNAME alias.${Z}.
alias.${Z}. 60 IN CNAME home.${Z}.
out.${Z}. 60 IN CNAME www.example.net.
x.ent.${Z}. 60 IN A 192.0.2.80
*.wild.${Z}. 60 IN A 192.0.2.99
*.wild.${Z}. 60 IN TXT "wild"
exists.wild.${Z}. 60 IN TXT "exists"
_sip._tcp.${Z}. 60 IN SRV 0 5 5060 home.${Z}.
sub.${Z}. 300 IN NS ns.sub.${Z}.
sub.${Z}. 300 IN NS ns.example.net.
ns.sub.${Z}. 300 IN A 192.0.2.77
`

// [what, qname, qtype]
const QUERIES: readonly (readonly [string, string, string])[] = [
  ['apex SOA', Z, 'SOA'],
  ['apex NS, addresses in additional', Z, 'NS'],
  ['host A', `home.${Z}`, 'A'],
  ['host AAAA', `home.${Z}`, 'AAAA'],
  ['TXT', `home.${Z}`, 'TXT'],
  ['NXDOMAIN', `nope.${Z}`, 'A'],
  ['NODATA', `home.${Z}`, 'MX'],
  ['CNAME chain', `www.${Z}`, 'A'],
  ['CNAME leaving the zone', `out.${Z}`, 'A'],
  ['MX with additional', Z, 'MX'],
  ['SRV with additional', `_sip._tcp.${Z}`, 'SRV'],
  ['wildcard match', `foo.wild.${Z}`, 'A'],
  ['wildcard match, two labels', `a.b.wild.${Z}`, 'TXT'],
  ['wildcard NODATA', `foo.wild.${Z}`, 'MX'],
  ['the wildcard itself', `*.wild.${Z}`, 'A'],
  ['existing name: no wildcard', `exists.wild.${Z}`, 'A'],
  ['below an existing name: no wildcard', `x.exists.wild.${Z}`, 'A'],
  ['parent of the wildcard (ENT)', `wild.${Z}`, 'A'],
  ['empty non-terminal', `ent.${Z}`, 'A'],
  ['delegation with glue', `host.sub.${Z}`, 'A'],
  ['the cut itself', `sub.${Z}`, 'NS'],
  ['case-mixed qname', `HoMe.CmP.Example.TEST`, 'A'],
  ['case-mixed wildcard', `FoO.Wild.${Z.toUpperCase()}`, 'A'],
]

/** What dig shows of one answer, normalised for comparison. */
interface Seen {
  readonly status: string
  readonly aa: boolean
  readonly sections: Readonly<Record<string, readonly string[]>>
}

async function ask(port: number, name: string, type: string): Promise<Seen> {
  const args = ['@127.0.0.1', '-p', String(port), name, type, '+norec', '+noall', '+comments']
  const r = await run('dig', [...args, '+answer', '+authority', '+additional', '+time=2'])
  assert.equal(r.code, 0, r.stdout + r.stderr)
  const sections: Record<string, string[]> = { ANSWER: [], AUTHORITY: [], ADDITIONAL: [] }
  let current: string[] | undefined
  for (const line of r.stdout.split('\n')) {
    const header = /^;; (\w+) SECTION:/.exec(line)
    if (header !== null) current = sections[header[1] ?? '']
    else if (line.trim() !== '' && !line.startsWith(';'))
      current?.push(line.split(/\s+/).join(' ').toLowerCase())
  }
  for (const list of Object.values(sections)) list.sort()
  return {
    status: /status: (\w+)/.exec(r.stdout)?.[1] ?? '?',
    aa: / aa[ ;]/.test(/flags:[^;]*;/.exec(r.stdout)?.[0] ?? ''),
    sections,
  }
}

/** A BIND serving `text` as the primary of `zone`, on a free port, with answers as dynzone's. */
async function startBindWith(
  dir: string,
  zone: string,
  text: string,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort()
  writeFileSync(join(dir, 'zone'), text)
  writeFileSync(
    join(dir, 'named.conf'),
    `options { directory "${dir}"; pid-file "${join(dir, 'named.pid')}";
  listen-on port ${String(port)} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no; minimal-responses no-auth;
  allow-transfer { 127.0.0.1; }; };
controls { };
zone "${zone}" { type primary; file "${join(dir, 'zone')}"; };
`,
  )
  const child = spawn('named', ['-g', '-n', '1', '-c', join(dir, 'named.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve()
    }),
  )
  const stop = (): Promise<void> => stopChild(child, exited)
  try {
    await waitForSoa(port, zone, child, () => log)
  } catch (e) {
    await stop()
    throw e
  }
  return { port, stop }
}

describe('dynzone answers as BIND does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bind-compare-'))
  let dns: DnsServer
  let bindPort = 0
  let stopBind = (): Promise<void> => Promise.resolve()

  before(async () => {
    const index = new ZoneIndex()
    const loaded = index.load(zoneFromLines(ZONE))
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.message)
    const started = await startDnsServer({ host: '127.0.0.1', port: 0, index })
    assert.ok(started.ok)
    dns = started.value
    const bind = await startBindWith(dir, Z, ZONE)
    bindPort = bind.port
    stopBind = bind.stop
  })
  after(async () => {
    await dns.close()
    await stopBind()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const [what, name, type] of QUERIES) {
    it(`${what}: ${name} ${type}`, async () => {
      const bind = await ask(bindPort, name, type)
      const ours = await ask(dns.port, name, type)
      assert.deepEqual(ours, bind)
    })
  }

  it('the comparison can fail: BIND and dynzone differ from a changed zone', async () => {
    const bind = await ask(bindPort, `home.${Z}`, 'A')
    assert.notDeepEqual(await ask(bindPort, `nope.${Z}`, 'A'), bind)
    assert.equal(bind.status, 'NOERROR')
    assert.deepEqual(bind.sections.ANSWER, [`home.${Z}. 60 in a 203.0.113.10`])
  })
})

const E = 'every.example.test'
const DS_DIGEST = '0123456789abcdef'.repeat(4)
const SSHFP = 'dd465c09cfa51fb45020cc83316fff21b9ec74ac'
const TLSA = '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6'
// As people write zones for BIND: relative names, $TTL, parentheses, comments. SOA timers,
// the apex NS and ns1's addresses are the config's (below); home's A/AAAA are a host's.
const EVERY_TYPE = `; ${E}: every type a zone here holds
$TTL 300
$ORIGIN ${E}.
@       IN  SOA ns1 hostmaster ( 2024010101 ; serial: not imported
                3h 15m 1w 1h30m )
        IN  NS      ns1
        IN  NS      ns2.example.net.
        IN  MX      10 mail
        IN  MX      20 mail.example.net.
        IN  A       192.0.2.1
        IN  AAAA    2001:db8::1
        IN  TXT     "v=spf1 mx -all"
        IN  CAA     0 issue "letsencrypt.org"
        IN  CAA     128 iodef "mailto:security@${E}"
        IN  HTTPS   1 . alpn="h2,h3" ipv4hint=192.0.2.1 ipv6hint=2001:db8::1
ns1         A       192.0.2.53
ns1         AAAA    2001:db8::53
mail    600 A       192.0.2.25
home     60 A       203.0.113.10
home     60 AAAA    2001:db8::10
home        MX      10 mail
www         CNAME   @
ftp         CNAME   www
*.dyn       A       192.0.2.80
*.dyn       TXT     "wild"
exists.dyn  TXT     "exists"
_sip._tcp   SRV     10 60 5060 sip
sip         A       192.0.2.81
txt         TXT     "two" "strings" "with \\"quotes\\", a \\\\ and a ;"
txt         TXT     ( "caf\\195\\169" )
host        SSHFP   1 1 ${SSHFP}
host        A       192.0.2.90
_443._tcp.www TLSA  3 1 1 ${TLSA}
_dns        SVCB    1 dns mandatory=alpn,port alpn=dot port=853
dns         A       192.0.2.53
svc         HTTPS   2 . port=8443
1.2.0.192.in-addr PTR host
child       NS      ns1.child
child       NS      ns.example.net.
child       DS      60485 13 2 ${DS_DIGEST}
ns1.child   A       192.0.2.99
ns1.child   AAAA    2001:db8::99
`

// Around the file's own RRsets: negatives, the wildcard and the delegation.
const EVERY_EXTRA: readonly (readonly [string, string])[] = [
  [`nope.${E}`, 'A'],
  [`home.${E}`, 'TXT'],
  [`www.${E}`, 'AAAA'],
  [`foo.dyn.${E}`, 'A'],
  [`a.b.dyn.${E}`, 'TXT'],
  [`foo.dyn.${E}`, 'MX'],
  [`exists.dyn.${E}`, 'A'],
  [`dyn.${E}`, 'A'],
  [`host.child.${E}`, 'A'],
  [`child.${E}`, 'NS'],
  [`child.${E}`, 'A'],
  [`_tcp.${E}`, 'SRV'],
]

function config(dnsPort: number): string {
  return `data_dir = "./data"
[http]
port = 0
[dns]
port = ${String(dnsPort)}
allow_transfer = ["127.0.0.1"]
[dns.rrl]
enabled = false
[demo]
enabled = false
[[zones]]
name = "${E}"
backend = "builtin"
ttl = 300
ns = ["ns1.${E}", "ns2.example.net"]
soa_rname = "hostmaster.${E}"
refresh = 10800
retry = 900
expire = 604800
minimum = 5400
[[zones.ns_addresses]]
name = "ns1.${E}"
addresses = ["192.0.2.53", "2001:db8::53"]
`
}

describe('a zone file with every type: imported into dynzone, answered as BIND does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-every-type-'))
  const bindDir = mkdtempSync(join(tmpdir(), 'dynzone-every-type-bind-'))
  let server: DynzoneProcess | undefined
  let dnsPort = 0
  let bindPort = 0
  let stopBind = (): Promise<void> => Promise.resolve()
  const queries: [string, string][] = []

  before(async () => {
    dnsPort = await freePort()
    writeFileSync(join(dir, 'dynzone.toml'), config(dnsPort))
    writeFileSync(join(dir, 'every.zone'), EVERY_TYPE)
    const cli = async (...args: string[]): Promise<string> => {
      const r = await runInProcess(args, dir)
      assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    await cli('user', 'add', 'alice')
    const home = ['--ipv4', '203.0.113.10', '--ipv6', '2001:db8::10', '--ttl', '60']
    await cli('host', 'add', `home.${E}`, '--user', 'alice', ...home)
    await cli('zone', 'import', E, 'every.zone')
    server = startDynzone(['serve'], dir)
    await server.waitFor(/HTTP on \S+:\d+, DNS on \S+:\d+/, 90_000)
    const soa = await run('dig', ['@127.0.0.1', '-p', String(dnsPort), E, 'SOA', '+short'])
    const serial = soa.stdout.trim().split(/\s+/)[2] ?? ''
    assert.match(serial, /^\d+$/, soa.stdout)
    const bind = await startBindWith(bindDir, E, EVERY_TYPE.replace('2024010101', serial))
    bindPort = bind.port
    stopBind = bind.stop
    const loaded = await loadZoneFile(join(dir, 'every.zone'), `${E}.`)
    assert.ok(loaded.ok)
    for (const set of loaded.value.rrsets)
      queries.push([set.owner.slice(0, -1), typeMnemonic(set.type)])
    queries.push(...EVERY_EXTRA.map(([n, t]): [string, string] => [n, t]))
  })
  after(async () => {
    await server?.stop()
    await stopBind()
    rmSync(dir, { recursive: true, force: true })
    rmSync(bindDir, { recursive: true, force: true })
  })

  it('answers every name and type of the file as BIND does', async () => {
    assert.ok(queries.length >= 40, `${String(queries.length)} queries`)
    const differ: string[] = []
    for (const [name, type] of queries) {
      const bind = await ask(bindPort, name, type)
      const ours = await ask(dnsPort, name, type)
      try {
        assert.deepEqual(ours, bind)
      } catch {
        differ.push(
          `${name} ${type}:\n  BIND ${JSON.stringify(bind)}\n  ours ${JSON.stringify(ours)}`,
        )
      }
    }
    assert.deepEqual(differ, [])
  })

  it("AXFR of dynzone's zone passes named-checkzone and kzonecheck and holds BIND's records", async () => {
    const axfr = async (port: number): Promise<string[]> => {
      const r = await run('dig', [
        '@127.0.0.1',
        '-p',
        String(port),
        E,
        'AXFR',
        '+nocmd',
        '+nostats',
      ])
      assert.equal(r.code, 0, r.stderr)
      const lines = r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'))
      return lines.map((l) => l.split(/\s+/).join(' ').toLowerCase())
    }
    const ours = await axfr(dnsPort)
    const path = join(dir, 'axfr.zone')
    writeFileSync(path, ours.join('\n') + '\n')
    const bind = await namedCheckzone(E, path)
    assert.equal(bind.code, 0, bind.output)
    const knot = await knotZonecheck(E, path)
    assert.equal(knot.code, 0, knot.output)
    // The same records (the SOA opens and closes each transfer).
    const set = (lines: string[]): string[] => [...new Set(lines)].sort()
    assert.deepEqual(set(ours), set(await axfr(bindPort)))
    assert.ok(readFileSync(path, 'utf8').includes(`child.${E}. 300 in ds 60485 13 2`))
  })
})
