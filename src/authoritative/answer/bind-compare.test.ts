/**
 * The same zone served by dynzone (ZoneIndex + startDnsServer) and by a real BIND 9
 * (`named -g`, `minimal-responses no-auth`, so positive answers carry no NS in authority but
 * do carry additional addresses, as dynzone's do): for each query, rcode, AA and the
 * answer/authority/additional record sets (`dig +norec`, sorted lines) must be equal.
 *
 * Owner names are compared lowercased (RFC 4343: the case BIND copies from a mixed-case
 * question is not data). No other differences are allowed: the list below is empty.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stopChild } from '../../../test/helpers/bind.ts'
import { freePort, waitForSoa } from '../../../test/helpers/daemon.ts'
import { run } from '../../../test/helpers/tools.ts'
import { zoneFromLines } from '../../../test/helpers/zone-lines.ts'
import { startDnsServer, type DnsServer } from '../server.ts'
import { ZoneIndex } from '../index/zone-index.ts'

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
    bindPort = await freePort()
    writeFileSync(join(dir, 'zone'), ZONE)
    writeFileSync(
      join(dir, 'named.conf'),
      `options { directory "${dir}"; pid-file "${join(dir, 'named.pid')}";
  listen-on port ${String(bindPort)} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no; minimal-responses no-auth; };
controls { };
zone "${Z}" { type primary; file "${join(dir, 'zone')}"; };
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
    stopBind = () => stopChild(child, exited)
    await waitForSoa(bindPort, Z, child, () => log)
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
