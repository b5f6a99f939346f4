/**
 * Account security in a real headless Chromium against a real `dynzone serve`: the account
 * page, TOTP enrolment from the page's key with a generated code, the recovery codes, a login
 * with a generated code, step-up before a token is created (answered with a recovery code),
 * and `dynzone user reset-second-factor` for a lost authenticator. Each page is checked with
 * axe-core (no serious or critical violation) and shot at desktop and phone size into
 * test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import Sqlite from 'better-sqlite3'
import { Secret, TOTP } from 'otpauth'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'

const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url))
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: unknown[] }[]
}

describe('account security in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-account-'))
  let server: DynzoneProcess
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let base = ''
  let secret = ''
  let recovery: string[] = []

  const cli = async (args: string[], stdin = ''): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  // Axe runs through the DevTools protocol: the page's own script policy stays in force.
  const axe = async (p: Page, name: string): Promise<void> => {
    await p.evaluate(AXE)
    const r = await p.evaluate<AxeResult>('axe.run(document)')
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    assert.deepEqual(
      bad.map((v) => `${v.id} (${String(v.nodes.length)})`),
      [],
      `${name}: accessibility violations`,
    )
  }
  // Desktop and phone screenshots of the page as it is now, and the axe check at both sizes.
  const look = async (p: Page, name: string): Promise<void> => {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await p.setViewportSize(viewport)
      await p.screenshot({ path: join(SHOTS, `account-${name}-${size}.png`), fullPage: true })
      await axe(p, `${name} (${size})`)
      const width = await p.evaluate('document.documentElement.scrollWidth')
      assert.ok(Number(width) <= viewport.width, `${name} is ${String(width)} px wide`)
    }
    await p.setViewportSize(DESKTOP)
  }
  const code = (offsetSteps = 0): string =>
    TOTP.generate({
      secret: Secret.fromBase32(secret),
      timestamp: Date.now() + offsetSteps * 30_000,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    })
  const password = async (name: string, pw: string): Promise<void> => {
    await page.goto(`${base}/login`)
    await page.getByLabel('User name').fill(name)
    await page.getByLabel('Password').fill(pw)
    await page.getByRole('button', { name: 'Log in' }).click()
  }
  // Every session's last proof an hour ago: the next protected change must ask again.
  const ageSessions = (): void => {
    const db = new Sqlite(join(dir, 'data', 'dynzone.sqlite'))
    try {
      db.prepare('UPDATE web_sessions SET verified_at = ?').run(
        new Date(Date.now() - 3_600_000).toISOString(),
      )
    } finally {
      db.close()
    }
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await cli(['user', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    base = `http://127.0.0.1:${m[2] ?? ''}`
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
    context = await browser.newContext({ viewport: DESKTOP })
    page = await context.newPage()
  })
  after(async () => {
    await browser.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows the account page with this session', async () => {
    await password('alice', 'alice-password')
    await page.waitForURL(`${base}/hosts`)
    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { name: 'Account alice' }).waitFor()
    assert.equal(await page.getByText('this session').count(), 1)
    assert.equal(await page.getByText('from 127.0.0.1').count(), 1)
    await look(page, 'page')
  })

  it('enrols an authenticator app from the shown key and shows ten recovery codes once', async () => {
    await page.getByRole('link', { name: 'Set up an authenticator app' }).click()
    await page.getByRole('img', { name: 'QR code of the authenticator key' }).waitFor()
    secret = ((await page.locator('#totp-secret').textContent()) ?? '').trim()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    await look(page, 'totp')
    await page.getByLabel('Code from the app').fill(code())
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.getByText('Authenticator app turned on.').waitFor()
    recovery = (await page.locator('#recovery-codes code').allTextContents()).map((c) => c.trim())
    assert.equal(recovery.length, 10)
    await look(page, 'recovery-codes')
    await page.getByRole('link', { name: 'Done' }).click()
    await page.getByText('Recovery codes left: 10 of 10').waitFor()
  })

  it('asks for the code after the password at the next login', async () => {
    await page.getByRole('button', { name: 'Log out alice' }).click()
    await password('alice', 'alice-password')
    await page.waitForURL(/\/login\/second-factor/)
    await look(page, 'second-factor')
    await page.getByLabel('Code').fill('000000')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByText('That code is not right').waitFor()
    // The next step's code: the enrolment used this step's (a code is never taken twice).
    await page.getByLabel('Code').fill(code(1))
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`${base}/hosts`)
  })

  it('asks for a second factor again before a token is created, and takes a recovery code', async () => {
    ageSessions()
    await page.goto(`${base}/tokens`)
    await page.getByLabel('Label').fill('router')
    await page.getByRole('button', { name: 'Create token' }).click()
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
    await look(page, 'step-up')
    await page.getByLabel('Code').fill(recovery[0] ?? '')
    await page.getByRole('button', { name: 'Confirm and continue' }).click()
    await page.getByText('Copy the secret now').waitFor()
    assert.match((await page.locator('#secret').textContent()) ?? '', /^\s*[a-z2-7]{32}\s*$/)
    await page.goto(`${base}/account`)
    await page.getByText('Recovery codes left: 9 of 10').waitFor()
  })

  it('lets an operator remove a lost authenticator from the command line', async () => {
    const out = await cli(['user', 'reset-second-factor', 'alice'])
    assert.match(out, /second factor of alice removed/)
    const audit = await cli(['audit', '--json'])
    assert.match(audit, /cli user reset-second-factor/)
    const fresh = await browser.newContext({ viewport: DESKTOP })
    const p = await fresh.newPage()
    await p.goto(`${base}/login`)
    await p.getByLabel('User name').fill('alice')
    await p.getByLabel('Password').fill('alice-password')
    await p.getByRole('button', { name: 'Log in' }).click()
    await p.waitForURL(`${base}/hosts`)
    await fresh.close()
  })
})
