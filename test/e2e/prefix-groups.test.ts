/**
 * IPv6 prefix groups end to end: the real CLI makes a /64 group with two members, a real
 * curl sends the Fritz!Box URL template and then a dynv6 `ipv6prefix` update, and `dig`
 * against the built-in DNS server shows both members' AAAA under each new prefix.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('IPv6 prefix groups end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-prefix-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  let token = ''

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin: 'alice-password\n' })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const aaaa = (label: string): Promise<string[]> =>
    digShort('127.0.0.1', dnsPort, `${label}.${ZONE}`, 'AAAA')

  before(async () => {
    await cli('user', 'add', 'alice', '--password-stdin')
    await cli('group', 'add', 'lan', '--user', 'alice', '--prefix-length', '64')
    await cli('host', 'add', `nas.${ZONE}`, '--user', 'alice', '--group', 'lan', '--iid', '::1:2')
    await cli('host', 'add', `tv.${ZONE}`, '--user', 'alice')
    await cli('group', 'join', 'lan', `tv.${ZONE}`, '--iid', '::a8bb:ccff:fedd:eeff')
    const out = await cli('token', 'create', '--user', 'alice', '--json')
    token = (JSON.parse(out) as { secret: string }).secret
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists the group with both members', async () => {
    const groups = JSON.parse(await cli('group', 'list', '--json')) as Record<string, unknown>[]
    assert.deepEqual(groups, [
      {
        ...groups[0],
        name: 'lan',
        owner: 'alice',
        prefixLength: 64,
        prefix: null,
        members: [
          { host: `nas.${ZONE}`, iid: '::1:2' },
          { host: `tv.${ZONE}`, iid: '::a8bb:ccff:fedd:eeff' },
        ],
      },
    ])
  })

  it('refuses an interface identifier that does not fit, adding no host', async () => {
    const r = await runDynzone(
      [
        'host',
        'add',
        `pc.${ZONE}`,
        '--user',
        'alice',
        '--group',
        'lan',
        '--iid',
        '::1:0:0:0:2',
        ...ARGS,
      ],
      dir,
    )
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /does not fit in the 64 host bits/)
    const hosts = JSON.parse(await cli('host', 'list', '--json')) as { fqdn: string }[]
    assert.ok(!hosts.some((h) => h.fqdn === `pc.${ZONE}`))
  })

  it('re-prefixes both members from the Fritz!Box template', async () => {
    // Fritz!Box: update URL `…?hostname=<domain>&myip=<ipaddr>&ip6lanprefix=<ip6lanprefix>`.
    const url = `${http}/nic/update?hostname=nas.${ZONE}&myip=203.0.113.50&ip6lanprefix=2001:db8:1:2::/64`
    const r = await curl(['-u', `alice:${token}`, url])
    assert.equal(r.status, 200)
    assert.equal(r.body, 'good 203.0.113.50,2001:db8:1:2::1:2')
    assert.deepEqual(await aaaa('nas'), ['2001:db8:1:2::1:2'])
    assert.deepEqual(await aaaa('tv'), ['2001:db8:1:2:a8bb:ccff:fedd:eeff'])
  })

  it('re-prefixes both members from a dynv6 ipv6prefix update', async () => {
    const url = `${http}/api/update?hostname=tv.${ZONE}&token=${token}&ipv6prefix=2001:db8:77:88::/64`
    const r = await curl([url])
    assert.equal(r.body, 'addresses updated')
    assert.deepEqual(await aaaa('nas'), ['2001:db8:77:88::1:2'])
    assert.deepEqual(await aaaa('tv'), ['2001:db8:77:88:a8bb:ccff:fedd:eeff'])
  })

  it('refuses a prefix of another length and changes nothing', async () => {
    const url = `${http}/api/update?hostname=tv.${ZONE}&token=${token}&ipv6prefix=2001:db8:99::/48`
    const r = await curl([url])
    assert.equal(r.status, 400)
    assert.match(r.body, /does not match \/64/)
    assert.deepEqual(await aaaa('nas'), ['2001:db8:77:88::1:2'])
  })
})
