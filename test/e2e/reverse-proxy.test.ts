/**
 * A real nginx in front of dynzone on the same host, set up the usual way (X-Forwarded-For
 * appended, every other header passed through). Trusted (`http.trusted_proxies`): the client
 * address is the one nginx saw, whatever `Forwarded` header the client forges, so lockouts
 * hit the real client even when it names an allow-listed address. Forgotten: every client
 * arrives from loopback, which has no exemption by default, so bad passwords still lock out,
 * and dynzone warns once that loopback sends forwarding headers nobody vouches for.
 * Clients are curl bound to other loopback addresses (`--interface 127.0.0.9`).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { startNginx, type Nginx } from '../helpers/nginx.ts'
import { curl, digShort } from '../helpers/tools.ts'

const HOST = 'home.dyn.example.test'
const PASSWORD = 'reverse proxy password'
const BASE = ['--set', 'http.port=0', '--set', 'demo.enabled=false']

/** A dynzone with one user and host, `extra` settings, and nginx in front of it. */
function setup(extra: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-reverse-proxy-'))
  const args = [...BASE, ...extra]
  const state = {
    server: undefined as DynzoneProcess | undefined,
    nginx: undefined as Nginx | undefined,
    dnsPort: 0,
  }
  before(async () => {
    for (const [cmd, stdin] of [
      [['user', 'add', 'alice', '--password-stdin'], `${PASSWORD}\n`],
      [['host', 'add', HOST, '--user', 'alice'], ''],
    ] as const) {
      const r = await runDynzone([...cmd, ...args], dir, { stdin })
      assert.equal(r.code, 0, r.stderr)
    }
    state.server = startDynzone(['serve', ...args, '--set', 'dns.port=0'], dir)
    const m = await state.server.waitFor(/HTTP on (\S+?:\d+), DNS on \S+:(\d+)/, 60_000)
    state.dnsPort = Number(m[2])
    state.nginx = await startNginx(`http://${m[1] ?? ''}`)
  })
  after(async () => {
    await state.nginx?.stop()
    await state.server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  /** One update through nginx from client address `from`, with extra curl arguments. */
  const update = (from: string, password: string, query: string, extraArgs: string[] = []) =>
    curl([
      '--interface',
      from,
      '-u',
      `alice:${password}`,
      ...extraArgs,
      `${state.nginx?.url ?? ''}/nic/update?hostname=${HOST}${query}`,
    ])
  const cli = (...cmd: string[]) => runDynzone([...cmd, ...args], dir)
  return { state, update, cli }
}

describe('nginx in front, listed in http.trusted_proxies', () => {
  const { state, update, cli } = setup([
    ...['--set', 'http.trusted_proxies=127.0.0.1'],
    ...['--set', 'security.lockout_threshold=3', '--set', 'security.lockout_allow=198.51.100.0/24'],
  ])

  it('takes the address nginx saw (an update without myip publishes it)', async () => {
    const r = await update('127.0.0.10', PASSWORD, '')
    assert.equal(r.body, 'good 127.0.0.10')
    assert.deepEqual(await digShort('127.0.0.1', state.dnsPort, HOST, 'A'), ['127.0.0.10'])
  })

  it('ignores a client-sent Forwarded: the client is locked out at its real address', async () => {
    const forged = ['-H', 'Forwarded: for=198.51.100.9', '-H', 'X-Forwarded-For: 198.51.100.9']
    for (let i = 0; i < 3; i++) {
      assert.equal((await update('127.0.0.9', 'wrong', '&myip=192.0.2.9', forged)).body, 'badauth')
    }
    const locked = await update('127.0.0.9', PASSWORD, '&myip=192.0.2.9', forged)
    assert.equal(locked.body, 'abuse', 'the allow-listed address it named did not count')
    const listed = await cli('lockout', 'list', '--json')
    const rows = JSON.parse(listed.stdout) as { source: string }[]
    assert.deepEqual(
      rows.map((r) => r.source),
      ['127.0.0.9'],
    )
  })
})

describe('nginx in front, forgotten in http.trusted_proxies', () => {
  const { state, update } = setup([])

  it('locks out after the default threshold: loopback is not exempt', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await update('127.0.0.9', 'wrong', '&myip=192.0.2.20')).body, 'badauth')
    }
    assert.equal((await update('127.0.0.9', PASSWORD, '&myip=192.0.2.20')).body, 'abuse')
  })

  it('warns once that loopback sends forwarding headers no trusted proxy vouches for', () => {
    const log = (state.server?.stdout() ?? '') + (state.server?.stderr() ?? '')
    const warnings = log.split('\n').filter((l) => l.includes('http.trusted_proxies does not'))
    assert.equal(warnings.length, 1, log)
    assert.match(warnings[0] ?? '', /"header":"x-forwarded-for"/)
    assert.doesNotMatch(warnings[0] ?? '', /127\.0\.0\.9/, 'no header value is logged')
  })
})
