/**
 * `dynzone host add|modify --ipv4/--ipv6`, run as real processes beside a running
 * `dynzone serve`: the addresses reach the server's DNS (dig), each change is a history row
 * of dialect `cli`, `none` removes a family and keeps the other, and the zone's address
 * policy refuses what it refuses for an HTTP update, with nothing changed.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
// Not under a special-use name: update.address_policy "auto" refuses private addresses there.
const PUBLIC_ZONE = 'dyn.dynzone-public.net'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('host addresses from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-cli-address-'))
  const config = join(dir, 'dynzone.toml')
  let server: DynzoneProcess
  let dnsPort = 0

  const cli = (...args: string[]) => runInProcess(['--config', config, ...args, ...ARGS], dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const dig = (name: string, type: string): Promise<string[]> =>
    digShort('127.0.0.1', dnsPort, name, type)
  // The server's zone sync picks CLI changes up within about a second.
  const digUntil = async (name: string, type: string, want: string[]): Promise<string[]> => {
    const until = Date.now() + 10_000
    let got = await dig(name, type)
    while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200))
      got = await dig(name, type)
    }
    return got
  }
  const history = async (fqdn: string) =>
    JSON.parse(await ok('history', fqdn, '--json')) as {
      dialect: string
      clientIp: string
      actor: string
      oldValue: string
      newValue: string
    }[]

  before(async () => {
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"\n[[zones]]\nname = "${ZONE}"\n[[zones]]\nname = "${PUBLIC_ZONE}"\n`,
    )
    await ok('user', 'add', 'alice')
    server = startDynzone(['serve', '--config', config, ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('adds a host with both addresses, and the running server answers them', async () => {
    const host = `home.${ZONE}`
    const out = await ok(
      'host',
      'add',
      host,
      '--user',
      'alice',
      '--ipv4',
      '192.0.2.10',
      '--ipv6',
      '2001:DB8::10',
    )
    assert.equal(
      out,
      `added host ${host} (owner alice)\n${host} set: A 192.0.2.10, AAAA 2001:db8::10\n`,
    )
    assert.deepEqual(await digUntil(host, 'A', ['192.0.2.10']), ['192.0.2.10'])
    assert.deepEqual(await digUntil(host, 'AAAA', ['2001:db8::10']), ['2001:db8::10'])
  })

  it('modifies one family, keeps the other, and removes one with none', async () => {
    const host = `home.${ZONE}`
    assert.equal(
      await ok('host', 'modify', host, '--ipv4', '198.51.100.20'),
      `modified host ${host}\n${host} set: A 198.51.100.20, AAAA 2001:db8::10\n`,
    )
    assert.deepEqual(await digUntil(host, 'A', ['198.51.100.20']), ['198.51.100.20'])
    assert.deepEqual(await dig(host, 'AAAA'), ['2001:db8::10'])
    assert.equal(
      await ok('host', 'modify', host, '--ipv4', '198.51.100.20'),
      `modified host ${host}\n${host} unchanged: A 198.51.100.20, AAAA 2001:db8::10\n`,
    )
    await ok('host', 'modify', host, '--ipv6', 'none')
    assert.deepEqual(await digUntil(host, 'AAAA', []), [])
    assert.deepEqual(await dig(host, 'A'), ['198.51.100.20'])
    const rows = await history(host)
    assert.deepEqual(
      rows.map((r) => [r.dialect, r.clientIp, r.actor, r.oldValue, r.newValue]),
      [
        ['cli', '-', 'cli', '198.51.100.20,2001:db8::10', '198.51.100.20,-'],
        ['cli', '-', 'cli', '192.0.2.10,2001:db8::10', '198.51.100.20,2001:db8::10'],
        ['cli', '-', 'cli', '-,-', '192.0.2.10,2001:db8::10'],
      ],
    )
  })

  it('applies the zone’s address policy and changes nothing when it refuses', async () => {
    const host = `router.${PUBLIC_ZONE}`
    const refusedAdd = await cli('host', 'add', host, '--user', 'alice', '--ipv4', '10.0.0.1')
    assert.equal(refusedAdd.code, 65)
    assert.match(refusedAdd.stderr, /private/)
    assert.doesNotMatch(await ok('host', 'list'), /router\./)
    await ok('host', 'add', host, '--user', 'alice', '--ipv4', '93.184.216.34')
    assert.deepEqual(await digUntil(host, 'A', ['93.184.216.34']), ['93.184.216.34'])
    const refused = await cli('host', 'modify', host, '--ipv4', '127.0.0.1', '--dns-ttl', '120')
    assert.equal(refused.code, 65)
    assert.match(refused.stderr, /loopback/)
    const rows = JSON.parse(await ok('host', 'list', '--json')) as {
      fqdn: string
      dnsTtl: unknown
    }[]
    assert.equal(rows.find((r) => r.fqdn === host)?.dnsTtl, null)
    assert.equal((await history(host)).length, 1)
    assert.deepEqual(await dig(host, 'A'), ['93.184.216.34'])
  })

  it('refuses an address of the wrong family or none at all, before anything is written', async () => {
    for (const [flag, value, why] of [
      ['--ipv4', '2001:db8::1', /--ipv4: "2001:db8::1" is not an IPv4 address \(or none\)/],
      ['--ipv6', '192.0.2.1', /--ipv6: "192\.0\.2\.1" is not an IPv6 address/],
      ['--ipv4', 'banana', /--ipv4: "banana" is not an IPv4 or IPv6 address/],
    ] as const) {
      const r = await cli('host', 'add', `bad.${ZONE}`, '--user', 'alice', flag, value)
      assert.equal(r.code, 65, r.stderr)
      assert.match(r.stderr, why)
    }
    assert.doesNotMatch(await ok('host', 'list'), /bad\./)
  })
})
