/**
 * UPDATE as a bridge: an RFC 2136 UPDATE signed with a dynzone key, for a zone whose backend
 * is not the built-in server, goes through the publisher like every writer and shows up at
 * the provider: the Cloudflare and Route 53 stand-ins and a real PowerDNS (read with `dig`).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startPdns, type PdnsServer } from '../helpers/pdns.ts'
import { startCloudflareStandin, type CloudflareStandin } from '../helpers/standins/cloudflare.ts'
import { startRoute53Standin, type Route53Standin } from '../helpers/standins/route53.ts'
import { digShort, run } from '../helpers/tools.ts'

const CF_ZONE = 'cf.example.test'
const R53_ZONE = 'r53.example.test'
const PDNS_ZONE = 'pdns.example.test'
const ZONES = [CF_ZONE, R53_ZONE, PDNS_ZONE] as const

describe('UPDATE into zones on other backends (the bridge)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bridge-'))
  const keyFile = join(dir, 'bridge.key')
  let dynzone: DynzoneProcess
  let cloudflare: CloudflareStandin
  let route53: Route53Standin
  let pdns: PdnsServer
  let port = 0
  let script = 0
  let secret = ''

  /** `nsupdate -k` (or `knsupdate`), the zone found by its SOA query unless `zone` is given. */
  async function nsupdate(zone: string, lines: readonly string[], program = 'nsupdate') {
    const file = join(dir, `script-${String(++script)}.txt`)
    const all = [
      `server 127.0.0.1 ${String(port)}`,
      ...(zone === '' ? [] : [`zone ${zone}`]),
      ...lines,
      'send',
      '',
    ]
    writeFileSync(file, all.join('\n'))
    const args =
      program === 'nsupdate' ? ['-k', keyFile] : ['-y', `hmac-sha256:bridge-key:${secret}`]
    const r = await run(program, [...args, file])
    return { code: r.code, output: r.stdout + r.stderr }
  }
  const cfRecords = (name: string, type: string): string[] =>
    [...cloudflare.records.values()]
      .filter((r) => r.name === name && r.type === type)
      .map((r) => r.content)
      .sort()
  const r53Values = (name: string, type: string): string[] =>
    [...(route53.sets.get(`${name}. ${type}`)?.values ?? [])].sort()
  const pdnsDig = (name: string, type: string): Promise<string[]> =>
    digShort('127.0.0.1', pdns.dnsPort, name, type).then((v) => v.sort())

  before(async () => {
    const key = await run('tsig-keygen', ['-a', 'hmac-sha256', 'bridge-key'])
    assert.equal(key.code, 0, key.stderr)
    writeFileSync(keyFile, key.stdout)
    secret = /secret "([^"]+)"/.exec(key.stdout)?.[1] ?? ''
    cloudflare = await startCloudflareStandin(CF_ZONE, 'cf-token')
    route53 = await startRoute53Standin(R53_ZONE, 'AKIDBRIDGE')
    pdns = await startPdns()
    port = await freePort()
    const config = join(dir, 'dynzone.toml')
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"
[http]
port = 0
[dns]
port = ${String(port)}
[[dns.update_keys]]
name = "bridge-key"
key_file = "${keyFile}"
grant = [${ZONES.map((z) => `{ name = "${z}", match = "subdomain" }`).join(', ')}]
[[zones]]
name = "${CF_ZONE}"
backend = "cloudflare"
[zones.cloudflare]
api_token = "cf-token"
api_url = "${cloudflare.url}"
[[zones]]
name = "${R53_ZONE}"
backend = "route53"
[zones.route53]
hosted_zone_id = "${route53.zoneId}"
access_key_id = "AKIDBRIDGE"
secret_access_key = "bridge-secret"
endpoint = "${route53.url}"
[[zones]]
name = "${PDNS_ZONE}"
backend = "powerdns"
ns = ["ns1.example.net"]
[zones.powerdns]
api_url = "${pdns.apiUrl}"
api_key = "${pdns.apiKey}"
`,
    )
    const setup = [
      ['user', 'add', 'owner'],
      ...ZONES.map((z) => ['host', 'add', `home.${z}`, '--user', 'owner']),
    ]
    for (const args of setup) {
      const r = await runDynzone(['--config', config, ...args], dir)
      assert.equal(r.code, 0, r.stderr)
    }
    dynzone = startDynzone(['serve', '--config', config], dir)
    await dynzone.waitFor(/DNS server listening/)
  })

  after(async () => {
    await dynzone.stop()
    await Promise.all([cloudflare.close(), route53.close(), pdns.stop()])
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the SOA of a bridged zone to signed queries only', async () => {
    const at = ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1']
    const signed = await run('dig', [...at, '-k', keyFile, CF_ZONE, 'SOA'])
    assert.match(signed.stdout, /status: NOERROR/, signed.stdout)
    assert.match(signed.stdout, /flags: qr aa/, signed.stdout)
    assert.match(signed.stdout, new RegExp(`^${CF_ZONE}\\.\\s.*\\sSOA\\s`, 'm'), signed.stdout)
    const below = await run('dig', [...at, '-k', keyFile, `x.${CF_ZONE}`, 'A'])
    assert.match(below.stdout, /status: REFUSED/, below.stdout)
    const unsigned = await run('dig', [...at, CF_ZONE, 'SOA'])
    assert.match(unsigned.stdout, /status: REFUSED/, unsigned.stdout)
  })

  it("a host's A and TXT reach Cloudflare", async () => {
    const host = `home.${CF_ZONE}`
    const r = await nsupdate('', [
      `update add ${host} 60 A 192.0.2.41`,
      `update add ${host} 60 TXT "via dynzone"`,
    ])
    assert.equal(r.code, 0, r.output + dynzone.stdout())
    assert.deepEqual(cfRecords(host, 'A'), ['192.0.2.41'])
    assert.deepEqual(cfRecords(host, 'TXT'), ['"via dynzone"'])
  })

  it("a host's A and TXT reach Route 53", async () => {
    const host = `home.${R53_ZONE}`
    // knsupdate needs the zone named; it still asks the server for the zone's SOA.
    const r = await nsupdate(
      `${R53_ZONE}.`,
      [`update add ${host}. 60 A 192.0.2.42`, `update add ${host}. 60 TXT "via dynzone"`],
      'knsupdate',
    )
    assert.equal(r.code, 0, r.output + dynzone.stdout())
    assert.deepEqual(r53Values(host, 'A'), ['192.0.2.42'])
    assert.deepEqual(r53Values(host, 'TXT'), ['"via dynzone"'])
  })

  it("a host's A and TXT reach PowerDNS, and its DNS answers them", async () => {
    const host = `home.${PDNS_ZONE}`
    const r = await nsupdate(PDNS_ZONE, [
      `update add ${host} 60 A 192.0.2.43`,
      `update add ${host} 60 TXT "via dynzone"`,
    ])
    assert.equal(r.code, 0, r.output + dynzone.stdout())
    assert.deepEqual(await pdnsDig(host, 'A'), ['192.0.2.43'])
    assert.deepEqual(await pdnsDig(host, 'TXT'), ['"via dynzone"'])
  })

  it('brand-new names (no host) reach every backend: an _acme-challenge TXT and an A', async () => {
    const values = async (zone: string, name: string, type: string): Promise<string[]> =>
      zone === CF_ZONE
        ? cfRecords(name, type)
        : zone === R53_ZONE
          ? r53Values(name, type)
          : pdnsDig(name, type)
    for (const zone of ZONES) {
      const acme = `_acme-challenge.www.${zone}`
      const r = await nsupdate(zone, [
        `update add ${acme} 60 TXT "token-${zone}"`,
        `update add mail.${zone} 300 A 192.0.2.25`,
      ])
      assert.equal(r.code, 0, r.output + dynzone.stdout())
      assert.deepEqual(await values(zone, acme, 'TXT'), [`"token-${zone}"`], zone)
      assert.deepEqual(await values(zone, `mail.${zone}`, 'A'), ['192.0.2.25'], zone)
      const gone = await nsupdate(zone, [`update delete ${acme} TXT`])
      assert.equal(gone.code, 0, gone.output)
      assert.deepEqual(await values(zone, acme, 'TXT'), [], zone)
    }
  })

  it('an MX and a CAA sent by UPDATE reach every backend in its own form', async () => {
    for (const zone of ZONES) {
      const r = await nsupdate(zone, [
        `update add mx.${zone} 300 MX 10 mail.${zone}.`,
        `update add ${zone} 300 CAA 0 issue "letsencrypt.org"`,
      ])
      assert.equal(r.code, 0, r.output + dynzone.stdout())
    }
    // Cloudflare keeps MX's preference in its own field and the exchange as content.
    const cfMx = [...cloudflare.records.values()].filter((x) => x.name === `mx.${CF_ZONE}`)
    assert.deepEqual(
      cfMx.map((x) => [x.type, x.priority, x.content]),
      [['MX', 10, `mail.${CF_ZONE}`]],
    )
    assert.equal(cfRecords(CF_ZONE, 'CAA').length, 1)
    assert.match(cfRecords(CF_ZONE, 'CAA')[0] ?? '', /issue.*letsencrypt\.org/)
    // Route 53 takes zone-file values with absolute names.
    assert.deepEqual(r53Values(`mx.${R53_ZONE}`, 'MX'), [`10 mail.${R53_ZONE}.`])
    assert.deepEqual(r53Values(R53_ZONE, 'CAA'), ['0 issue "letsencrypt.org"'])
    // PowerDNS answers them itself.
    assert.deepEqual(await pdnsDig(`mx.${PDNS_ZONE}`, 'MX'), [`10 mail.${PDNS_ZONE}.`])
    assert.deepEqual(await pdnsDig(PDNS_ZONE, 'CAA'), ['0 issue "letsencrypt.org"'])
  })
})
