/**
 * `zones[].ns_addresses` through the real CLI: the in-zone name server's A and AAAA are
 * served, come as glue with the apex NS, travel in AXFR (which `named-checkzone` accepts),
 * and survive a resync; an in-zone NS without an address is warned about at start.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { digShort, run } from '../helpers/tools.ts'

const ZONE = 'nsaddr.example.test'
// A second zone with an in-zone name server lacking an address: the warned-about case.
const BARE = 'bare.example.test'

describe('ns_addresses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-nsaddr-'))
  const config = join(dir, 'dynzone.toml')
  let dynzone: DynzoneProcess
  let dnsPort = 0

  before(async () => {
    dnsPort = await freePort()
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
port = ${String(dnsPort)}
allow_transfer = ["127.0.0.1/32"]
[[zones]]
name = "${ZONE}"
ns = ["ns1.${ZONE}", "ns.example.net"]
ns_addresses = [{ name = "ns1.${ZONE}", addresses = ["203.0.113.53", "2001:DB8::53"] }]
[[zones]]
name = "${BARE}"
ns = ["ns1.${BARE}", "ns2.${BARE}"]
ns_addresses = [{ name = "ns1.${BARE}", addresses = ["203.0.113.54"] }]
`,
    )
    const user = await runDynzone(['user', 'add', 'alice', '--config', config], dir)
    assert.equal(user.code, 0, user.stderr)
    const added = await runDynzone(
      ['host', 'add', `home.${ZONE}`, '--user', 'alice', '--config', config],
      dir,
    )
    assert.equal(added.code, 0, added.stderr)
    dynzone = startDynzone(['serve', '--config', config], dir)
    await dynzone.waitFor(/DNS on 127\.0\.0\.1:\d+/)
  })
  after(async () => {
    await dynzone.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the name server addresses', async () => {
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `ns1.${ZONE}`, 'A'), ['203.0.113.53'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `ns1.${ZONE}`, 'AAAA'), ['2001:db8::53'])
  })

  it('adds them as additional data to the apex NS answer', async () => {
    const r = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(dnsPort),
      ZONE,
      'NS',
      '+noall',
      '+additional',
    ])
    const lines = r.stdout
      .split('\n')
      .map((l) => l.split(/\s+/).join(' '))
      .filter((l) => l !== '')
    assert.deepEqual(lines.sort(), [
      `ns1.${ZONE}. 60 IN A 203.0.113.53`,
      `ns1.${ZONE}. 60 IN AAAA 2001:db8::53`,
    ])
  })

  it('warns about the in-zone name server without an address, only that one', () => {
    const log = dynzone.stdout() + dynzone.stderr()
    assert.match(
      log,
      new RegExp(
        `name server ns2\\.${BARE.replace(/\./g, '\\.')} is inside its zone but has no address`,
      ),
    )
    assert.doesNotMatch(log, /name server ns1\.|name server ns\.example\.net/)
  })

  it('sends them in AXFR, and named-checkzone accepts the transfer', async () => {
    const { stdout, check } = await transferAndCheck(ZONE)
    assert.match(
      stdout,
      new RegExp(`^ns1\\.${ZONE}\\.\\s+60\\s+IN\\s+A\\s+203\\.0\\.113\\.53$`, 'm'),
    )
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.match(check.stdout, /OK/)
  })

  it('named-checkzone rejects the zone whose in-zone name server has no address', async () => {
    const { check } = await transferAndCheck(BARE)
    assert.notEqual(check.code, 0)
    assert.match(check.stdout + check.stderr, new RegExp(`NS 'ns2\\.${BARE}' has no address`))
  })

  async function transferAndCheck(zone: string) {
    const r = await run('dig', ['@127.0.0.1', '-p', String(dnsPort), zone, 'AXFR', '+time=3'])
    assert.equal(r.code, 0, r.stderr)
    const file = join(dir, `${zone}.axfr`)
    writeFileSync(file, r.stdout)
    return { stdout: r.stdout, check: await run('named-checkzone', [zone, file]) }
  }

  it('a resync keeps them (they belong to no host)', async () => {
    const r = await runDynzone(['zone', 'resync', ZONE, '--config', config], dir)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `ns1.${ZONE}`, 'A'), ['203.0.113.53'])
  })
})
