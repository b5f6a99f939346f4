/**
 * Split horizon end to end: a host with LAN addresses (`host add --lan-ipv4/--lan-ipv6`)
 * answers them to `dig` from 127.0.0.1 while its WAN address (set over HTTP) is 127.0.0.1,
 * and the WAN address once it is elsewhere; `host modify` on a running server takes effect,
 * and a LAN address of the wrong family is refused without changing anything.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('split horizon (LAN addresses) end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-split-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  let token = ''

  const cli = (...args: string[]) =>
    runDynzone([...args, ...ARGS], dir, { stdin: 'alice-password\n' })
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const dig = (type: string, extra: string[] = []): Promise<string[]> =>
    digShort('127.0.0.1', dnsPort, HOST, type, extra)
  const setWan = async (ip: string): Promise<void> => {
    const r = await curl(['-u', `alice:${token}`, `${http}/nic/update?hostname=${HOST}&myip=${ip}`])
    assert.equal(r.status, 200, r.body)
    assert.match(r.body, /^(good|nochg) /)
  }

  before(async () => {
    await ok('user', 'add', 'alice', '--password-stdin')
    await ok('host', 'add', HOST, '--user', 'alice', '--lan-ipv4', '192.168.1.10')
    await ok('host', 'modify', HOST, '--lan-ipv6', 'FD00:0:0::10')
    token = (
      JSON.parse(await ok('token', 'create', '--user', 'alice', '--json')) as {
        secret: string
      }
    ).secret
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the LAN addresses to a client behind the WAN address (UDP and TCP)', async () => {
    await setWan('127.0.0.1')
    assert.deepEqual(await dig('A'), ['192.168.1.10'])
    assert.deepEqual(await dig('A', ['+tcp']), ['192.168.1.10'])
    // The client matched the WAN A record, so its AAAA query gets the LAN AAAA too.
    assert.deepEqual(await dig('AAAA'), ['fd00::10'])
  })

  it('answers the WAN address when the client is elsewhere', async () => {
    await setWan('203.0.113.7')
    assert.deepEqual(await dig('A'), ['203.0.113.7'])
    assert.deepEqual(await dig('AAAA'), [])
  })

  it('refuses a LAN address of the wrong family and changes nothing', async () => {
    const r = await cli('host', 'modify', HOST, '--lan-ipv4', 'fd00::1')
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /LAN IPv4: .*not an IPv4 address/)
    const unknown = await cli('host', 'modify', `nope.${ZONE}`, '--lan-ipv4', '10.0.0.1')
    assert.notEqual(unknown.code, 0)
    await setWan('127.0.0.1')
    assert.deepEqual(await dig('A'), ['192.168.1.10'])
  })

  it('follows host modify on the running server', async () => {
    await ok('host', 'modify', HOST, '--lan-ipv4', 'none')
    // The server polls the store; wait (bounded) until the change is served.
    let answer: string[] = []
    for (let i = 0; i < 50; i++) {
      answer = await dig('A')
      if (answer[0] === '127.0.0.1') break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.deepEqual(answer, ['127.0.0.1'])
    assert.deepEqual(await dig('AAAA'), ['fd00::10'])
  })
})
