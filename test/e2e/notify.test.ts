/**
 * Notifications end to end through `dynzone serve`: `notify_change=1` mails the owner through
 * a real SMTP receiver and posts a signed webhook, and a webhook that never answers does not
 * hold up the update reply.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { webhookSignature } from '../../src/notifications/webhook.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`

async function listen(
  handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      handler(req, body, res)
    })
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${String(port)}/hook` }
}

describe('notifications', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-notify-'))
  let smtp: SmtpReceiver
  let server: DynzoneProcess
  let live: { server: Server; url: string }
  let dead: { server: Server; url: string }
  const hooks: { headers: IncomingMessage['headers']; body: string }[] = []
  let base = ''
  let token = ''

  before(async () => {
    smtp = await startSmtpReceiver()
    live = await listen((req, body, res) => {
      hooks.push({ headers: req.headers, body })
      res.end()
    })
    // Accepts the request and never answers.
    dead = await listen(() => undefined)
    writeFileSync(join(dir, 'hook.secret'), 'file-secret\n')
    writeFileSync(
      join(dir, 'dynzone.toml'),
      [
        '[demo]',
        'enabled = false',
        '[notify.smtp]',
        'host = "127.0.0.1"',
        `port = ${String(smtp.port)}`,
        'security = "none"',
        '[notify.templates]',
        'changed_subject = "{{ fqdn }}: {{ old_ipv4 }} -> {{ new_ipv4 }}"',
        '[[notify.webhooks]]',
        `url = "${dead.url}"`,
        'timeout_ms = 60000',
        '[[notify.webhooks]]',
        `url = "${live.url}"`,
        'secret_file = "hook.secret"',
        'events = ["changed"]',
        '',
      ].join('\n'),
    )
    const cli = (args: string[]) => runDynzone(args, dir)
    assert.equal((await cli(['user', 'add', 'alice', '--email', 'alice@example.org'])).code, 0)
    assert.equal((await cli(['host', 'add', HOST, '--user', 'alice'])).code, 0)
    const created = await cli(['token', 'create', '--user', 'alice', '--json'])
    token = (JSON.parse(created.stdout) as { secret: string }).secret
    server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+)/)
    base = `http://127.0.0.1:${m[1] ?? ''}`
  })
  after(async () => {
    // A clean exit: the webhook that never answers does not keep the process alive.
    assert.equal(await server.stop(), 0)
    await smtp.stop()
    live.server.close()
    dead.server.closeAllConnections()
    dead.server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const update = (query: string) =>
    curl(['-u', `alice:${token}`, `${base}/nic/update?hostname=${HOST}&${query}`])

  it('mails and posts a change only when the client asked', async () => {
    assert.equal((await update('myip=198.51.100.1')).body, 'good 198.51.100.1')
    // With a webhook that never answers configured, the reply still comes at once.
    const asked = await update('myip=198.51.100.2&notify_change=1')
    assert.equal(asked.body, 'good 198.51.100.2')
    const mail = (await smtp.waitForMails(1)).at(0)
    assert.ok(mail)
    assert.deepEqual(mail.to, ['alice@example.org'])
    assert.equal(mail.subject, `${HOST}: 198.51.100.1 -> 198.51.100.2`)
    assert.match(mail.body, /IPv4: 198\.51\.100\.1 -> 198\.51\.100\.2 \(changed: yes\)/)
    for (let i = 0; i < 100 && hooks.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    const hook = hooks[0]
    assert.ok(hook, 'the live webhook was called')
    const timestamp = String(hook.headers['x-dynzone-timestamp'])
    assert.equal(
      hook.headers['x-dynzone-signature'],
      webhookSignature('file-secret', timestamp, hook.body),
    )
    assert.equal((JSON.parse(hook.body) as { event: string }).event, 'changed')
    // A nochg with notify_change=1 mails nothing.
    assert.equal((await update('myip=198.51.100.2&notify_change=1')).body, 'nochg 198.51.100.2')
    assert.equal((await update('myip=198.51.100.3')).body, 'good 198.51.100.3')
    assert.equal(smtp.mails.length, 1)
    assert.equal(hooks.length, 1)
  })
})
