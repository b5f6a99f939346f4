/**
 * dynzone as a hidden primary: its built-in server is reachable only by the secondaries, a
 * real NSD and a real Knot, which take the zone by TSIG-signed transfers (no address may
 * transfer unsigned) and follow a stream of updates by NOTIFY and IXFR. Both must converge to
 * the primary's serial and data. The config is the one docs/deployment.md shows.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Secondary } from '../helpers/bind-secondary.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startKnotSecondary } from '../helpers/knot-secondary.ts'
import { startNsdSecondary } from '../helpers/nsd.ts'
import { digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOSTS = ['a', 'b', 'c'].map((h) => `${h}.${ZONE}`)
const KEY = {
  name: 'transfer-key',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 7).toString('base64'),
}

/** The zone as `dig AXFR` shows it: sorted normalised lines, SOA once; `signed` with `KEY`. */
async function axfr(port: number, signed = false): Promise<string[]> {
  const tsig = signed ? ['-y', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`] : []
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), ZONE, 'AXFR', ...tsig])
  assert.equal(r.code, 0, r.stdout + r.stderr)
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';') && !/\sTSIG\s/.test(l))
    .map((l) => l.split(/\s+/).join(' '))
  assert.ok(lines.length >= 3, `no transfer from port ${String(port)}:\n${r.stdout}`)
  return [...new Set(lines)].sort()
}

async function serial(port: number): Promise<number> {
  const soa = await digShort('127.0.0.1', port, ZONE, 'SOA')
  return Number(soa[0]?.split(' ')[2])
}

/** Polls until `check` holds, for at most `timeoutMs`; fails with `describe()` otherwise. */
async function eventually(
  check: () => Promise<boolean>,
  describe: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.fail(`condition not met within ${String(timeoutMs)} ms\n${describe()}`)
}

void describe('NSD and Knot follow dynzone as hidden primary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-hidden-'))
  let dynzone: DynzoneProcess
  let dnsPort = 0
  let http = ''
  let token = ''
  let secondaries: { name: string; daemon: Secondary }[] = []
  const logs = (): string =>
    [
      `dynzone:\n${dynzone.stdout()}${dynzone.stderr()}`,
      ...secondaries.map((s) => `${s.name}:\n${s.daemon.log()}`),
    ].join('\n')

  before(async () => {
    dnsPort = await freePort()
    const nsd = await startNsdSecondary(ZONE, dnsPort, KEY)
    const knot = await startKnotSecondary(ZONE, dnsPort, KEY)
    secondaries = [
      { name: 'nsd', daemon: nsd },
      { name: 'knot', daemon: knot },
    ]
    writeFileSync(
      join(dir, 'dynzone.toml'),
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
listen = "127.0.0.1"
port = ${String(dnsPort)}
# Transfers only signed with the key, from anywhere; unsigned ones are refused.
allow_transfer = []
allow_transfer_keys = ["${KEY.name}"]
notify = ["127.0.0.1:${String(nsd.port)}", "127.0.0.1:${String(knot.port)}"]
[[dns.update_keys]]
name = "${KEY.name}"
algorithm = "${KEY.algorithm}"
secret = "${KEY.secret}"
[demo]
enabled = false
[[zones]]
name = "${ZONE}"
ns = ["ns1.example.net", "ns2.example.net"]
`,
    )
    const ok = async (args: string[], stdin?: string): Promise<string> => {
      const r = await runDynzone(args, dir, stdin === undefined ? {} : { stdin })
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    await ok(['user', 'add', 'alice', '--password-stdin'], 'correct horse battery\n')
    for (const host of HOSTS) await ok(['host', 'add', host, '--user', 'alice'])
    token = /\b[a-z2-7]{32}\b/.exec(await ok(['token', 'create', '--user', 'alice']))?.[0] ?? ''
    dynzone = startDynzone(['serve'], dir)
    const listening = await dynzone.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
    http = `http://${listening[1] ?? ''}`
  })
  after(async () => {
    await dynzone.stop()
    for (const s of secondaries) await s.daemon.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses unsigned transfers', async () => {
    const r = await run('dig', ['@127.0.0.1', '-p', String(dnsPort), ZONE, 'AXFR'])
    assert.match(r.stdout, /Transfer failed/)
  })

  it('both secondaries take the zone and converge through a stream of updates', async () => {
    const send = async (host: string, address: string): Promise<string> => {
      const r = await fetch(`${http}/nic/update?hostname=${host}&myip=${address}`, {
        headers: { authorization: `Basic ${Buffer.from(`alice:${token}`).toString('base64')}` },
        signal: AbortSignal.timeout(15_000),
      })
      return r.text()
    }
    // Bursts of concurrent updates, one per host, with short pauses: serials move quickly
    // while transfers are under way.
    for (let round = 1; round <= 10; round++) {
      const answers = await Promise.all(
        HOSTS.map((host, i) => send(host, `198.51.100.${String(round * 10 + i)}`)),
      )
      for (const a of answers) assert.match(a, /^good /)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const want = await serial(dnsPort)
    const primary = await axfr(dnsPort, true)
    for (const { name, daemon } of secondaries) {
      await eventually(
        async () => (await serial(daemon.port)) === want,
        () => `${name} did not reach serial ${String(want)}\n${logs()}`,
      )
      assert.deepEqual(await axfr(daemon.port), primary, name)
      for (const [i, host] of HOSTS.entries())
        assert.deepEqual(await digShort('127.0.0.1', daemon.port, host), [
          `198.51.100.${String(100 + i)}`,
        ])
    }
  })

  it('the secondaries used signed IXFR after the first transfer', () => {
    const nsd = secondaries.find((s) => s.name === 'nsd')?.daemon.log() ?? ''
    const knot = secondaries.find((s) => s.name === 'knot')?.daemon.log() ?? ''
    assert.match(nsd, /TSIG verified with key transfer-key/, logs())
    // NSD logs no transfer type; an IXFR carries only the changes, so stays small.
    assert.match(nsd, /serial \d+ is updated to \d+/, logs())
    assert.match(knot, /IXFR, incoming, remote .*, finished/, logs())
    assert.doesNotMatch(knot, /fallback to AXFR/, logs())
  })
})
