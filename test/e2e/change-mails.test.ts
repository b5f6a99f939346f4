/**
 * Change mails chosen in the web UI, end to end through `dynzone serve`: the owner picks
 * IPv4 only in headless Chromium (desktop and phone size, axe-core, screenshots), a bad quiet
 * period is refused with nothing changed, then real curl updates: an IPv6 change mails
 * nothing, an IPv4 change mails previous -> new through a real SMTP receiver, and the webhook
 * gets the same change.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ARTIFACTS } from '../helpers/artifacts.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const PASSWORD = 'Tr0ub4dor-mails'
const SHOTS = join(ARTIFACTS, 'screenshots')

async function seriousViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(source)
  return page.evaluate<string[]>(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.nodes.map((n) => String(n.target)).join(', '))
  })()`)
}

describe('change mails per family', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-mails-'))
  let smtp: SmtpReceiver
  let server: DynzoneProcess
  let hookServer: Server
  let browser: Browser
  const hooks: string[] = []
  let base = ''
  let token = ''

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    smtp = await startSmtpReceiver()
    hookServer = createServer((req: IncomingMessage, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        hooks.push(body)
        res.end()
      })
    })
    const hookPort = await freePort()
    await new Promise<void>((resolve) => hookServer.listen(hookPort, '127.0.0.1', resolve))
    writeFileSync(
      join(dir, 'dynzone.toml'),
      [
        '[demo]',
        'enabled = false',
        '[notify.smtp]',
        'host = "127.0.0.1"',
        `port = ${String(smtp.port)}`,
        'security = "none"',
        '[[notify.webhooks]]',
        `url = "http://127.0.0.1:${String(hookPort)}/hook"`,
        'events = ["changed"]',
        '',
      ].join('\n'),
    )
    const cli = (args: string[], stdin = '') => runDynzone(args, dir, { stdin })
    const add = ['user', 'add', 'alice', '--email', 'alice@example.org', '--password-stdin']
    assert.equal((await cli(add, `${PASSWORD}\n`)).code, 0)
    assert.equal((await cli(['host', 'add', HOST, '--user', 'alice'])).code, 0)
    const created = await cli(['token', 'create', '--user', 'alice', '--json'])
    token = (JSON.parse(created.stdout) as { secret: string }).secret
    server = startDynzone(['serve', '--set', 'http.port=0', '--set', 'dns.port=0'], dir)
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+)/)
    base = `http://127.0.0.1:${m[1] ?? ''}`
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
  })
  after(async () => {
    await browser.close()
    await server.stop()
    await smtp.stop()
    hookServer.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const update = (query: string) =>
    curl(['-u', `alice:${token}`, `${base}/nic/update?hostname=${HOST}&${query}`])

  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`chooses IPv4 changes in the web UI (${size})`, async () => {
      const ctx = await browser.newContext({ viewport, isMobile: size === 'phone' })
      const page = await ctx.newPage()
      await page.goto(`${base}/login`)
      await page.getByLabel('User name').fill('alice')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(`${base}/hosts`)
      await page.getByRole('link', { name: 'Change mails' }).click()
      // Bad input: refused with the reason, nothing saved.
      await page.getByLabel('Tell me about').selectOption('ipv6')
      await page.getByLabel('Quiet period in minutes').fill('99')
      await page.evaluate("document.getElementById('quiet_minutes').removeAttribute('max')")
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText('the quiet period must be 0 to 60 whole minutes').waitFor()
      assert.equal(await page.getByLabel('Tell me about').inputValue(), 'none')
      await page.getByLabel('Tell me about').selectOption('ipv4')
      await page.getByLabel('Quiet period in minutes').fill('0')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText('Change mails saved.').waitFor()
      assert.equal(await page.getByLabel('Tell me about').inputValue(), 'ipv4')
      assert.deepEqual(await seriousViolations(page), [])
      const width = await page.evaluate('document.documentElement.scrollWidth')
      assert.ok(Number(width) <= viewport.width, `page is ${String(width)} px wide`)
      await page.screenshot({ path: join(SHOTS, `change-mails-${size}.png`), fullPage: true })
      // Back to none, so the next size starts from the same state.
      await page.getByLabel('Tell me about').selectOption('none')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText('Change mails saved.').waitFor()
      if (size === 'phone') {
        await page.getByLabel('Tell me about').selectOption('ipv4')
        await page.getByRole('button', { name: 'Save' }).click()
        await page.getByText('Change mails saved.').waitFor()
      }
      await ctx.close()
    })
  }

  it('mails and posts the chosen family only, previous -> new', async () => {
    assert.equal((await update('myip=2001:db8::1')).status, 200)
    assert.equal((await update('myip=2001:db8::2')).status, 200)
    assert.equal((await update('myip=198.51.100.1')).body, 'good 198.51.100.1')
    assert.equal((await update('myip=198.51.100.2')).body, 'good 198.51.100.2')
    const mails = await smtp.waitForMails(2)
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(smtp.mails.length, 2, 'no mail for the IPv6 changes')
    assert.match(mails.at(0)?.body ?? '', /IPv4: - -> 198\.51\.100\.1 \(changed: yes\)/)
    assert.match(mails.at(1)?.body ?? '', /IPv4: 198\.51\.100\.1 -> 198\.51\.100\.2/)
    assert.deepEqual(mails.at(1)?.to, ['alice@example.org'])
    for (let i = 0; i < 100 && hooks.length < 2; i++) await new Promise((r) => setTimeout(r, 50))
    assert.equal(hooks.length, 2, 'the webhook hears the same changes')
    const last = JSON.parse(hooks.at(1) ?? '{}') as { ipv4: { old: string; new: string } }
    assert.deepEqual([last.ipv4.old, last.ipv4.new], ['198.51.100.1', '198.51.100.2'])
  })
})
