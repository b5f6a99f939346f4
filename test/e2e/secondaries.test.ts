/**
 * dynzone as a hidden primary: a real BIND and a real Knot, configured as secondaries, take
 * the zone by AXFR, then follow updates made through the DynDNS2 endpoint by NOTIFY and IXFR
 * (the SOA refresh timer is an hour, so only NOTIFY can make them follow within the wait).
 * `named-checkzone` accepts what BIND wrote.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBindSecondary, type Secondary } from '../helpers/bind-secondary.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startKnotSecondary } from '../helpers/knot-secondary.ts'
import { curl, digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `myhost.${ZONE}`

/** The zone as `dig AXFR` shows it: sorted normalised lines, SOA once. */
async function axfr(port: number): Promise<string[]> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), ZONE, 'AXFR', '+time=3'])
  assert.equal(r.code, 0, r.stdout + r.stderr)
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';'))
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

describe('BIND and Knot as secondaries of dynzone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-secondaries-'))
  let dynzone: DynzoneProcess
  let dnsPort = 0
  let auth = ''
  let secondaries: { name: string; daemon: Secondary }[] = []
  const logs = (): string =>
    [
      `dynzone:\n${dynzone.stdout()}${dynzone.stderr()}`,
      ...secondaries.map((s) => `${s.name}:\n${s.daemon.log()}`),
    ].join('\n')

  before(async () => {
    dnsPort = await freePort()
    const bind = await startBindSecondary(ZONE, dnsPort)
    const knot = await startKnotSecondary(ZONE, dnsPort)
    secondaries = [
      { name: 'bind', daemon: bind },
      { name: 'knot', daemon: knot },
    ]
    const config = join(dir, 'dynzone.toml')
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
port = ${String(dnsPort)}
allow_transfer = ["127.0.0.1/32"]
notify = ["127.0.0.1:${String(bind.port)}", "127.0.0.1:${String(knot.port)}"]
[[zones]]
name = "${ZONE}"
ns = ["ns1.example.net"]
`,
    )
    // A config naming its zones gets no demo: the account is made here.
    const cli = async (...args: string[]): Promise<string> => {
      const r = await runDynzone(['--config', config, ...args], dir)
      assert.equal(r.code, 0, r.stderr)
      return r.stdout
    }
    await cli('user', 'add', 'alice')
    await cli('host', 'add', HOST, '--user', 'alice')
    const token = (await cli('token', 'create', '--user', 'alice', '--host', HOST)).split('\n')[1]
    auth = `alice:${token ?? ''}`
    dynzone = startDynzone(['serve', '--config', config], dir)
    await dynzone.waitFor(/Web UI:/)
  })
  after(async () => {
    await dynzone.stop()
    for (const s of secondaries) await s.daemon.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('both secondaries transfer the whole zone (AXFR)', async () => {
    const primary = await axfr(dnsPort)
    for (const { name, daemon } of secondaries) {
      await eventually(
        async () => (await serial(daemon.port)) === (await serial(dnsPort)),
        () => `${name} never loaded the zone\n${logs()}`,
      )
      assert.deepEqual(await axfr(daemon.port), primary, name)
    }
  })

  it('follows updates through NOTIFY and IXFR', async () => {
    for (const [i, address] of ['198.51.100.7', '198.51.100.8'].entries()) {
      const url = `http://127.0.0.1:${httpPort(dynzone)}/nic/update?hostname=${HOST}&myip=${address}`
      const r = await curl(['-u', auth, url])
      assert.equal(r.body, `good ${address}`)
      const want = await serial(dnsPort)
      for (const { name, daemon } of secondaries) {
        await eventually(
          async () =>
            (await digShort('127.0.0.1', daemon.port, HOST)).join() === address &&
            (await serial(daemon.port)) === want,
          () =>
            `${name} did not follow update ${String(i + 1)} to serial ${String(want)}\n${logs()}`,
        )
        assert.deepEqual(await axfr(daemon.port), await axfr(dnsPort), name)
      }
    }
    // BIND keeps changes received by IXFR in a journal next to the zone file (AXFR writes none).
    const bind = secondaries.find((s) => s.name === 'bind')?.daemon
    assert.ok(bind !== undefined && existsSync(`${bind.zoneFile}.jnl`), 'BIND used IXFR')
    const knot = secondaries.find((s) => s.name === 'knot')?.daemon
    assert.match(knot?.log() ?? '', /IXFR, incoming, remote .*, finished/, 'Knot used IXFR')
  })

  it('named-checkzone accepts what BIND received', async () => {
    const bind = secondaries.find((s) => s.name === 'bind')?.daemon
    assert.ok(bind !== undefined)
    // -j: apply BIND's journal, where IXFR changes wait before the file is rewritten.
    const r = await run('named-checkzone', ['-j', ZONE, bind.zoneFile])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /loaded serial \d+/)
    assert.match(r.stdout, /OK/)
  })
})

function httpPort(p: DynzoneProcess): string {
  const m = /HTTP on [^\s:]+:(\d+)/.exec(p.stdout() + p.stderr())
  return m?.[1] ?? '0'
}
