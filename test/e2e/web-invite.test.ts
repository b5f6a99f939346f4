/**
 * Invitations in a real headless Chromium against a real `dynzone serve` with mail through
 * the real SMTP receiver: an admin invites from the web UI (after the step-up), the mail is
 * read from the receiver, the link is followed, a name and password are set and the new user
 * is signed in; the spent link then says so; `dynzone user invite` mails a link too. Each page
 * is checked with axe-core and shot at desktop and phone size into test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.ts'

const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url))
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: unknown[] }[]
}

describe('invitations in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-invite-'))
  let server: DynzoneProcess
  let browser: Browser
  let smtp: SmtpReceiver
  let base = ''
  let args: string[] = []

  const cli = async (a: string[], stdin = ''): Promise<string> => {
    const r = await runDynzone([...a, ...args], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${a.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const look = async (p: Page, name: string): Promise<void> => {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await p.setViewportSize(viewport)
      await p.screenshot({ path: join(SHOTS, `invite-${name}-${size}.png`), fullPage: true })
      await p.evaluate(AXE)
      const r = await p.evaluate<AxeResult>('axe.run(document)')
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      assert.deepEqual(
        bad.map((v) => `${v.id} (${String(v.nodes.length)})`),
        [],
        `${name} (${size}): accessibility violations`,
      )
      const width = await p.evaluate('document.documentElement.scrollWidth')
      assert.ok(Number(width) <= viewport.width, `${name} is ${String(width)} px wide`)
    }
    await p.setViewportSize(DESKTOP)
  }
  const linkIn = (body: string): string => {
    const m = /(http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]{43})/.exec(body)
    assert.ok(m?.[1] !== undefined, body)
    return m[1]
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    smtp = await startSmtpReceiver()
    const port = await freePort()
    base = `http://127.0.0.1:${String(port)}`
    args = [
      ...['--set', `http.port=${String(port)}`, '--set', 'dns.port=0'],
      ...['--set', 'demo.enabled=false', '--set', `web.public_url=${base}`],
      ...['--set', 'notify.smtp.host=127.0.0.1', '--set', `notify.smtp.port=${String(smtp.port)}`],
      ...['--set', 'notify.smtp.security=none'],
    ]
    await cli(['user', 'add', 'root', '--admin', '--password-stdin'], 'root-password\n')
    server = startDynzone(['serve', ...args], dir)
    await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
  })
  after(async () => {
    await browser.close()
    await server.stop()
    await smtp.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an admin invites by email, the invitee follows the mailed link, sets a password and is signed in', async () => {
    const admin = await browser.newContext({ viewport: DESKTOP })
    const page = await admin.newPage()
    await page.goto(`${base}/login`)
    await page.getByLabel('User name').fill('root')
    await page.getByLabel('Password').fill('root-password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(`${base}/hosts`)
    await page.goto(`${base}/admin/users`)
    await page.getByRole('link', { name: 'Invitations' }).click()
    await page.getByRole('heading', { name: 'Invitations', level: 1 }).waitFor()
    await page.getByLabel('Email').fill('erin@example.org')
    await page.getByRole('button', { name: 'Send invitation' }).click()
    // A login is a fresh proof: no step-up yet, or the step-up asks for the password.
    const stepUp = page.getByRole('heading', { name: 'Confirm it is you' })
    const sent = page.getByText('Invitation mailed.')
    await Promise.race([stepUp.waitFor(), sent.waitFor()])
    if (await stepUp.isVisible()) {
      await page.getByLabel('Your password').fill('root-password')
      await page.getByRole('button', { name: 'Confirm and continue' }).click()
    }
    await sent.waitFor()
    await page.getByRole('cell', { name: 'erin@example.org' }).first().waitFor()
    await look(page, 'admin')

    const [mail] = await smtp.waitForMails(1)
    assert.ok(mail !== undefined)
    assert.deepEqual(mail.to, ['erin@example.org'])
    const link = linkIn(mail.body)

    const invitee = await browser.newContext({ viewport: DESKTOP })
    const p = await invitee.newPage()
    await p.goto(link)
    await p.getByRole('heading', { name: 'Create your account' }).waitFor()
    await look(p, 'accept')
    await p.getByLabel('User name').fill('erin')
    await p.getByLabel('Password').fill('erin-password')
    await p.getByRole('button', { name: 'Create account' }).click()
    await p.waitForURL(`${base}/hosts`)
    await p.getByRole('button', { name: /Log out/ }).waitFor()

    const again = await invitee.newPage()
    const r = await again.goto(link)
    assert.equal(r?.status(), 410)
    await again.getByText('This invitation was used already').waitFor()
    await look(again, 'used')
    await admin.close()
    await invitee.close()
  })

  it('dynzone user invite mails a link from the command line', async () => {
    const out = await cli(['user', 'invite', 'gina@example.org'])
    assert.match(out, /invitation mailed to gina@example\.org/)
    const mails = await smtp.waitForMails(2)
    const second = mails[1]
    assert.ok(second !== undefined)
    assert.deepEqual(second.to, ['gina@example.org'])
    const link = linkIn(second.body)
    const ctx = await browser.newContext({ viewport: DESKTOP })
    const p = await ctx.newPage()
    const r = await p.goto(link)
    assert.equal(r?.status(), 200)
    await ctx.close()
  })
})
