/**
 * Host expiry end to end: a host with `--expiry-ttl 1` that was not updated loses its A
 * record on `dynzone cleanup` (dig stops answering it, the owner gets a mail through a real
 * SMTP receiver), and the next update brings the record back.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.fail(`timed out waiting for ${what}`)
}

describe('host expiry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-expiry-'))
  let smtp: SmtpReceiver
  let server: DynzoneProcess
  let base = ''
  let dnsPort = 0
  let token = ''

  before(async () => {
    smtp = await startSmtpReceiver()
    writeFileSync(
      join(dir, 'dynzone.toml'),
      [
        '[demo]',
        'enabled = false',
        '[expiry]',
        // The server's own sweep stays out of the way: the test runs `dynzone cleanup`.
        'interval_seconds = 86400',
        '[notify.smtp]',
        'host = "127.0.0.1"',
        `port = ${String(smtp.port)}`,
        'security = "none"',
        '',
      ].join('\n'),
    )
    const cli = (args: string[]) => runDynzone(args, dir)
    assert.equal((await cli(['user', 'add', 'alice', '--email', 'alice@example.org'])).code, 0)
    const added = await cli(['host', 'add', HOST, '--user', 'alice', '--expiry-ttl', '1'])
    assert.equal(added.code, 0, added.stderr)
    const bad = await cli(['host', 'add', `x.${ZONE}`, '--user', 'alice', '--expiry-ttl', 'soon'])
    assert.equal(bad.code, 65)
    assert.match(bad.stderr, /--expiry-ttl: "soon" is not a whole number/)
    const created = await cli(['token', 'create', '--user', 'alice', '--json'])
    token = (JSON.parse(created.stdout) as { secret: string }).secret
    server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+), DNS on 127\.0\.0\.1:(\d+)/)
    base = `http://127.0.0.1:${m[1] ?? ''}`
    dnsPort = Number(m[2])
  })
  after(async () => {
    await server.stop()
    await smtp.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const update = (ip: string) =>
    curl(['-u', `alice:${token}`, `${base}/nic/update?hostname=${HOST}&myip=${ip}`])
  const a = () => digShort('127.0.0.1', dnsPort, HOST)

  it('removes a stale record on cleanup and brings it back on the next update', async () => {
    assert.equal((await update('198.51.100.1')).body, 'good 198.51.100.1')
    assert.deepEqual(await a(), ['198.51.100.1'])
    // Let the one-second expiry TTL pass.
    await new Promise((r) => setTimeout(r, 1500))
    const cleanup = await runDynzone(['cleanup'], dir)
    assert.equal(cleanup.code, 0, cleanup.stderr)
    assert.match(cleanup.stdout, new RegExp(`expired ${HOST}: ipv4 198\\.51\\.100\\.1`))
    // The running server follows the store's serial within its poll interval.
    await until(async () => (await a()).length === 0, 'the A record to disappear')
    const mail = (await smtp.waitForMails(1)).at(0)
    assert.ok(mail)
    assert.deepEqual(mail.to, ['alice@example.org'])
    assert.equal(mail.subject, `[dynzone] ${HOST} expired`)
    assert.match(mail.body, /Removed IPv4: 198\.51\.100\.1/)

    const nothing = await runDynzone(['cleanup'], dir)
    assert.equal(nothing.stdout, 'nothing expired\n')
    assert.equal((await update('198.51.100.1')).body, 'good 198.51.100.1')
    assert.deepEqual(await a(), ['198.51.100.1'])
  })
})
