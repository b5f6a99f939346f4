/**
 * DynDNS2 (`/nic/update`) against real clients on loopback: Debian's ddclient 3.10 and
 * inadyn 2.10 run once in the foreground, GNU Wget follows the 401 challenge, and curl
 * replays the request shapes of Fritz!Box, OpenWrt, pfSense and OPNsense (see
 * test/helpers/clients/replays.ts for where each shape comes from). Every case checks the
 * client's verdict or the exact reply, then what the built-in DNS server answers.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createDdclient, ddclientConfig, type Ddclient } from '../helpers/clients/ddclient.ts'
import { startFixture, ZONE, type DynzoneFixture } from '../helpers/clients/dynzone-fixture.ts'
import { createInadyn, inadynConfig, type Inadyn } from '../helpers/clients/inadyn.ts'
import { fritzbox, openwrt, opnsense, pfsense } from '../helpers/clients/replays.ts'
import { run } from '../helpers/tools.ts'

// One host per client, so that each case starts from a state it knows.
const HOSTS = [
  'ddclient',
  'ddclient-b',
  'inadyn',
  'wget',
  'fritz',
  'openwrt',
  'pfsense',
  'opnsense',
]
const fqdn = (label: string): string => `${label}.${ZONE}`

let dz: DynzoneFixture

before(async () => {
  dz = await startFixture('router', HOSTS)
})
after(async () => {
  await dz.stop()
})

describe('ddclient 3.10 (Debian), protocol=dyndns2', () => {
  let ddclient: Ddclient
  const config = (ip: string, hosts = ['ddclient'], password = dz.token): string =>
    ddclientConfig({
      server: `127.0.0.1:${String(dz.httpPort)}`,
      login: dz.user,
      password,
      ip,
      hosts: hosts.map(fqdn),
    })
  before(() => {
    ddclient = createDdclient()
  })
  after(() => {
    ddclient.dispose()
  })

  it('reports success and dig shows the address', async () => {
    const r = await ddclient.run(config('203.0.113.7'))
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /SENDING: +GET \/nic\/update\?system=dyndns&hostname=ddclient\.dyn\./)
    assert.match(
      r.output,
      /SUCCESS: +updating ddclient\.dyn\.example\.test: good: IP address set to 203\.0\.113\.7\n/,
    )
    assert.deepEqual(await dz.dig(fqdn('ddclient')), ['203.0.113.7'])
  })

  it('sends a changed address on the next run', async () => {
    const r = await ddclient.run(config('203.0.113.8'))
    assert.equal(r.code, 0, r.output)
    assert.match(
      r.output,
      /SUCCESS: +updating ddclient\.dyn\.example\.test: good: IP address set to 203\.0\.113\.8\n/,
    )
    assert.deepEqual(await dz.dig(fqdn('ddclient')), ['203.0.113.8'])
  })

  it('reports failure on a wrong password and DNS keeps the address', async () => {
    const r = await ddclient.run(config('203.0.113.9', ['ddclient'], 'not-the-token'))
    assert.notEqual(r.code, 0, r.output)
    assert.match(r.output, /FAILED: +updating ddclient\.dyn\.example\.test: authorization failed/)
    assert.match(r.output, /RECEIVE: +badauth/)
    assert.deepEqual(await dz.dig(fqdn('ddclient')), ['203.0.113.8'])
  })

  it('updates two hosts in one request and reads one reply line per host', async () => {
    const r = await ddclient.run(config('198.51.100.4', ['ddclient-b', 'ddclient']))
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /hostname=ddclient-b\.dyn\.example\.test,ddclient\.dyn\.example\.test&/)
    assert.match(
      r.output,
      /SUCCESS: +updating ddclient-b\.dyn\.example\.test: good: IP address set to 198\.51\.100\.4\n/,
    )
    assert.match(
      r.output,
      /SUCCESS: +updating ddclient\.dyn\.example\.test: good: IP address set to 198\.51\.100\.4\n/,
    )
    assert.deepEqual(await dz.dig(fqdn('ddclient-b')), ['198.51.100.4'])
    assert.deepEqual(await dz.dig(fqdn('ddclient')), ['198.51.100.4'])
  })

  it('sends an IPv6 address as myip; the IPv4 address stays', async () => {
    // ddclient-b has 198.51.100.4 from the case before.
    const r = await ddclient.run(config('2001:db8::60', ['ddclient-b']))
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /myip=2001:db8::60 HTTP/)
    assert.match(
      r.output,
      /SUCCESS: +updating ddclient-b\.dyn\.example\.test: good: IP address set to 2001:db8::60\n/,
    )
    assert.deepEqual(await dz.dig(fqdn('ddclient-b'), 'AAAA'), ['2001:db8::60'])
    assert.deepEqual(await dz.dig(fqdn('ddclient-b')), ['198.51.100.4'])
  })
})

describe('inadyn 2.10 (Debian), custom provider', () => {
  let inadyn: Inadyn
  const config = (ip: string, password = dz.token): string =>
    inadynConfig({
      server: `127.0.0.1:${String(dz.httpPort)}`,
      username: dz.user,
      password,
      ip,
      hostname: fqdn('inadyn'),
    })
  before(() => {
    inadyn = createInadyn()
  })
  after(() => {
    inadyn.dispose()
  })

  it('reports success although it sends Host without the port', async () => {
    const r = await inadyn.run(config('203.0.113.20'))
    assert.equal(r.code, 0, r.output)
    assert.match(
      r.output,
      /GET \/nic\/update\?hostname=inadyn\.dyn\.example\.test&myip=203\.0\.113\.20 HTTP\/1\.0\r?\nHost: 127\.0\.0\.1\r?\n/,
    )
    assert.match(
      r.output,
      /Successful alias table update for inadyn\.dyn\.example\.test => new IP# 203\.0\.113\.20/,
    )
    assert.deepEqual(await dz.dig(fqdn('inadyn')), ['203.0.113.20'])
  })

  it('takes nochg as success on a forced update of the same address', async () => {
    const r = await inadyn.run(config('203.0.113.20'), ['--force'])
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /\r?\n\r?\nnochg 203\.0\.113\.20/)
    assert.match(r.output, /Successful alias table update for inadyn\.dyn\.example\.test/)
    assert.deepEqual(await dz.dig(fqdn('inadyn')), ['203.0.113.20'])
  })

  it('sends a changed address', async () => {
    const r = await inadyn.run(config('203.0.113.21'))
    assert.equal(r.code, 0, r.output)
    assert.match(
      r.output,
      /Successful alias table update for inadyn\.dyn\.example\.test => new IP# 203\.0\.113\.21/,
    )
    assert.deepEqual(await dz.dig(fqdn('inadyn')), ['203.0.113.21'])
  })

  it('fails with an authentication error on a wrong password; DNS unchanged', async () => {
    const r = await inadyn.run(config('203.0.113.22', 'not-the-token'))
    assert.equal(r.code, 50, r.output) // inadyn's RC_DDNS_RSP_AUTH_FAIL
    assert.match(r.output, /\[401 Unauthorized\] badauth/)
    assert.deepEqual(await dz.dig(fqdn('inadyn')), ['203.0.113.21'])
  })
})

describe('GNU Wget (credentials only after the 401 challenge)', () => {
  const url = (ip: string): string => `${dz.base}/nic/update?hostname=${fqdn('wget')}&myip=${ip}`
  const wget = (password: string, ip: string) =>
    run('wget', [
      '-O',
      '-',
      '-S',
      '--no-proxy',
      `--user=${dz.user}`,
      `--password=${password}`,
      url(ip),
    ])

  it('answers the challenge and gets good', async () => {
    const r = await wget(dz.token, '203.0.113.30')
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'good 203.0.113.30')
    assert.match(
      r.stderr,
      /HTTP\/1\.1 401 Unauthorized[\s\S]*WWW-Authenticate: Basic realm="dynzone"[\s\S]*HTTP\/1\.1 200 OK/i,
    )
    assert.deepEqual(await dz.dig(fqdn('wget')), ['203.0.113.30'])
  })

  it('gives up on a wrong password; DNS unchanged', async () => {
    const r = await wget('not-the-token', '203.0.113.31')
    assert.equal(r.code, 6, r.stderr) // Wget: username/password authentication failure
    assert.equal(r.stdout, '')
    assert.deepEqual(await dz.dig(fqdn('wget')), ['203.0.113.30'])
  })
})

describe('router request shapes (curl replays)', () => {
  it('Fritz!Box: dual-stack template, credentials unescaped in the query', async () => {
    const template = `${dz.base}/nic/update?hostname=<domain>&myip=<ipaddr>,<ip6addr>&username=<username>&password=<pass>`
    const values = {
      domain: fqdn('fritz'),
      ipaddr: '203.0.113.9',
      ip6addr: '2001:db8::9',
      username: dz.user,
      pass: dz.token,
    }
    const r = await fritzbox(template, values)
    assert.equal(r.status, 200)
    assert.equal(r.body, 'good 203.0.113.9,2001:db8::9')
    assert.ok(!r.sent.some((l) => /^authorization:/i.test(l)), 'no Authorization header sent')
    assert.deepEqual(await dz.dig(fqdn('fritz')), ['203.0.113.9'])
    assert.deepEqual(await dz.dig(fqdn('fritz'), 'AAAA'), ['2001:db8::9'])
    const again = await fritzbox(template, values)
    assert.equal(again.body, 'nochg 203.0.113.9,2001:db8::9')
    const wrong = await fritzbox(template, { ...values, ipaddr: '203.0.113.99', pass: 'wrong' })
    assert.equal(wrong.status, 401)
    assert.equal(wrong.body, 'badauth')
    assert.deepEqual(await dz.dig(fqdn('fritz')), ['203.0.113.9'])
  })

  it('OpenWrt ddns-scripts (uclient-fetch): challenge first, then good', async () => {
    const r = await openwrt(
      `${dz.base}/nic/update?hostname=${fqdn('openwrt')}&myip=198.51.100.7`,
      dz.user,
      dz.token,
    )
    assert.equal(r.status, 200)
    assert.equal(r.body, 'good 198.51.100.7')
    const gets = r.sent.filter((l) => l.startsWith('GET '))
    assert.equal(gets.length, 2, r.sent.join('\n'))
    const auth = r.sent.filter((l) => /^authorization: basic /i.test(l))
    assert.equal(auth.length, 1, 'credentials only on the second request')
    assert.ok(r.sent.indexOf(auth[0] ?? '') > r.sent.lastIndexOf(gets[1] ?? ''))
    assert.ok(r.sent.includes('User-Agent: uclient-fetch'))
    assert.deepEqual(await dz.dig(fqdn('openwrt')), ['198.51.100.7'])
  })

  it('pfSense Custom: Basic up front, %IP% in the URL', async () => {
    const r = await pfsense(
      `${dz.base}/nic/update?hostname=${fqdn('pfsense')}&myip=%IP%`,
      '198.51.100.8',
      dz.user,
      dz.token,
    )
    assert.equal(r.status, 200)
    assert.equal(r.body, 'good 198.51.100.8')
    assert.ok(r.sent.includes('User-Agent: phpDynDNS/0.7'))
    assert.deepEqual(await dz.dig(fqdn('pfsense')), ['198.51.100.8'])
  })

  it('OPNsense dyndns2 custom: encoded host list and IPv6, one line per host', async () => {
    // pfsense has 198.51.100.8 from the case before: its A record must stay.
    const hosts = `${fqdn('opnsense')},${fqdn('pfsense')}`
    const r = await opnsense(
      `127.0.0.1:${String(dz.httpPort)}`,
      hosts,
      '2001:db8::5',
      dz.user,
      dz.token,
    )
    assert.equal(r.status, 200)
    assert.match(
      r.sent[0] ?? '',
      /hostname=opnsense\.dyn\.example\.test%2Cpfsense\.dyn\.example\.test&myip=2001%3Adb8%3A%3A5&wildcard=NOCHG/,
    )
    assert.equal(r.body, 'good 2001:db8::5\ngood 2001:db8::5')
    assert.deepEqual(await dz.dig(fqdn('opnsense'), 'AAAA'), ['2001:db8::5'])
    assert.deepEqual(await dz.dig(fqdn('pfsense'), 'AAAA'), ['2001:db8::5'])
    assert.deepEqual(await dz.dig(fqdn('opnsense')), [])
    assert.deepEqual(await dz.dig(fqdn('pfsense')), ['198.51.100.8'])
  })
})
