/**
 * Passkeys in a real headless Chromium (with the DevTools protocol's virtual authenticator)
 * against a real `dynzone serve` whose `web.public_url` is the address the browser opens:
 * adding a passkey on the account page, a login finished with it, step-up with it before a
 * token is created, and removing it. Each page is checked with axe-core and shot at desktop
 * and phone size into test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import Sqlite from 'better-sqlite3'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'

const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url))
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: unknown[] }[]
}

describe('passkeys in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-passkey-'))
  let server: DynzoneProcess
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let base = ''

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
      await p.screenshot({ path: join(SHOTS, `passkey-${name}-${size}.png`), fullPage: true })
      await axe(p, `${name} (${size})`)
      const width = await p.evaluate('document.documentElement.scrollWidth')
      assert.ok(Number(width) <= viewport.width, `${name} is ${String(width)} px wide`)
    }
    await p.setViewportSize(DESKTOP)
  }
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

  const passkeyRows = (): { counter: number | bigint; last_used_at: string | null }[] => {
    const db = new Sqlite(join(dir, 'data', 'dynzone.sqlite'))
    try {
      return db.prepare('SELECT counter, last_used_at FROM webauthn_credentials').all() as {
        counter: number
        last_used_at: string | null
      }[]
    } finally {
      db.close()
    }
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await cli(['user', 'add', 'bob', '--password-stdin'], 'bob-password\n')
    // A passkey's relying party is a host name (never an IP address): the browser opens
    // localhost, and web.public_url says so.
    const port = await freePort()
    base = `http://localhost:${String(port)}`
    const args = ['--set', `http.port=${String(port)}`, '--set', `web.public_url="${base}"`]
    server = startDynzone(['serve', ...ARGS, ...args], dir)
    await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
    context = await browser.newContext({ viewport: DESKTOP })
    page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    })
  })
  after(async () => {
    await browser.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('adds a named passkey on the account page', async () => {
    await password('bob', 'bob-password')
    await page.waitForURL(`${base}/hosts`)
    await page.goto(`${base}/account`)
    await page.getByText('No passkeys yet.').waitFor()
    await page.getByRole('link', { name: 'Add a passkey' }).click()
    await page.getByRole('heading', { name: 'Add a passkey' }).waitFor()
    await look(page, 'new')
    await page.getByLabel('Name').fill('laptop')
    await page.getByRole('button', { name: 'Create the passkey' }).click()
    await page.getByText('Passkey added.').waitFor()
    assert.equal(await page.locator('#passkeys li').count(), 1)
    await page.locator('#passkeys').getByText('laptop').waitFor()
    await page.locator('#passkeys').getByText('last used never').waitFor()
    await look(page, 'account')
  })

  it('finishes the next login with the passkey', async () => {
    await page.getByRole('button', { name: 'Log out bob' }).click()
    await password('bob', 'bob-password')
    await page.waitForURL(/\/login\/second-factor/)
    await look(page, 'second-factor')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.waitForURL(`${base}/hosts`)
    const rows = passkeyRows()
    assert.equal(rows.length, 1)
    assert.notEqual(rows[0]?.last_used_at ?? null, null)
    assert.ok(Number(rows[0]?.counter) > 0, 'the signature counter moved forward')
  })

  it('asks for the passkey again before a token is created', async () => {
    ageSessions()
    const before = Number(passkeyRows()[0]?.counter)
    await page.goto(`${base}/tokens`)
    await page.getByLabel('Label').fill('router')
    await page.getByRole('button', { name: 'Create token' }).click()
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
    await look(page, 'step-up')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.getByText('Copy the secret now').waitFor()
    assert.ok(Number(passkeyRows()[0]?.counter) > before)
  })

  it('removes the passkey (after step-up), and the login no longer asks for it', async () => {
    ageSessions()
    await page.goto(`${base}/account`)
    await page.getByRole('button', { name: 'Remove the passkey laptop' }).click()
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor()
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.getByText('Passkey removed.').waitFor()
    assert.equal(passkeyRows().length, 0)
    await page.getByRole('button', { name: 'Log out bob' }).click()
    await password('bob', 'bob-password')
    await page.waitForURL(`${base}/hosts`)
  })
})
