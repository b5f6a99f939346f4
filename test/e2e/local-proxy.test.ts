/**
 * A reverse proxy on the same host that `http.trusted_proxies` forgot: every client then
 * arrives from loopback. Loopback has no exemption by default, so bad passwords still lock
 * out (one shared lock, but never none), and dynzone warns once that forwarding headers from
 * loopback are being ignored. Driven with curl against a real dynzone process.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const HOST = 'home.dyn.example.test'
const PASSWORD = 'local proxy password'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('a reverse proxy on this host, not trusted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-local-proxy-'))
  let server: DynzoneProcess | undefined
  let http = ''

  before(async () => {
    for (const [args, stdin] of [
      [['user', 'add', 'alice', '--password-stdin'], `${PASSWORD}\n`],
      [['host', 'add', HOST, '--user', 'alice'], ''],
    ] as const) {
      const r = await runDynzone([...args, ...ARGS], dir, { stdin })
      assert.equal(r.code, 0, r.stderr)
    }
    server = startDynzone(['serve', ...ARGS], dir)
    const listening = await server.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
    http = `http://${listening[1] ?? ''}`
  })

  after(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  // What nginx sends upstream for a client at 198.51.100.20 (`$proxy_add_x_forwarded_for`).
  const viaProxy = (password: string) =>
    curl([
      '-u',
      `alice:${password}`,
      '-H',
      'X-Forwarded-For: 198.51.100.20',
      `${http}/nic/update?hostname=${HOST}&myip=192.0.2.20`,
    ])

  it('locks out after the default threshold: loopback is not exempt', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await viaProxy('wrong')).body, 'badauth')
    assert.equal((await viaProxy(PASSWORD)).body, 'abuse')
  })

  it('warns once that loopback sends forwarding headers no trusted proxy vouches for', () => {
    const log = (server?.stdout() ?? '') + (server?.stderr() ?? '')
    const warnings = log.split('\n').filter((l) => l.includes('http.trusted_proxies does not'))
    assert.equal(warnings.length, 1, log)
    assert.match(warnings[0] ?? '', /"header":"x-forwarded-for"/)
    assert.doesNotMatch(warnings[0] ?? '', /198\.51\.100\.20/, 'the header value is not logged')
  })
})
