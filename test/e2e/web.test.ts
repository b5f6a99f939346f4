/**
 * The web UI in a real headless Chromium (Debian `chromium` driven by playwright-core)
 * against a real `dynzone serve`: keyboard-only login, a wrong password, creating a host and
 * a token, a real dyndns2 update with curl showing up on the host page and in its history,
 * revoking the token (after its confirmation page) so the next update is refused, CSRF
 * refusal, a redirect after every form with a message naming the change, local times, the
 * admin pages, and on every page at desktop and phone size: axe-core (no serious or critical
 * violation), the phone width, and a screenshot in test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { checkPage, launchBrowser, newSizedContext, type SizeName } from '../helpers/browser.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'
import { timelineSvg } from '../../src/web/timeline.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('web UI in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-web-'))
  let server: DynzoneProcess
  let browser: Browser
  let base = ''
  let dnsPort = 0
  let alice: BrowserContext
  let page: Page
  let token = ''

  const cli = async (args: string[], stdin: string): Promise<void> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
  }
  const update = (secret: string, ip: string) =>
    curl(['-u', `alice:${secret}`, `${base}/nic/update?hostname=${HOST}&myip=${ip}`])
  const login = async (p: Page, name: string, password: string): Promise<void> => {
    await p.goto(`${base}/login`)
    await p.getByLabel('User name').fill(name)
    await p.getByLabel('Password').fill(password)
    await p.getByRole('button', { name: 'Log in' }).click()
    await p.waitForURL(`${base}/hosts`)
  }

  before(async () => {
    await cli(['user', 'add', 'root', '--admin', '--password-stdin'], 'root-password\n')
    await cli(['user', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    base = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
    browser = await launchBrowser()
    alice = await newSizedContext(browser, 'desktop')
    page = await alice.newPage()
  })
  after(async () => {
    await browser.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends a visitor without a session to the login page', async () => {
    const r = await page.goto(`${base}/`)
    assert.equal(new URL(page.url()).pathname, '/login')
    assert.ok(r !== null)
    assert.equal(r.headers()['x-frame-options'], 'DENY')
    assert.match(r.headers()['content-security-policy'] ?? '', /default-src 'self'/)
    await checkPage(page, 'login')
    // A script asking `/` without HTML still gets sftdyn's answer: its own address.
    const plain = await curl([`${base}/`])
    assert.equal(plain.body.trim(), '127.0.0.1')
  })

  it('shows an error for a wrong password and creates no session', async () => {
    await page.getByLabel('User name').fill('alice')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('Wrong user name or password.').waitFor()
    assert.equal(new URL(page.url()).pathname, '/login')
    const cookies = await alice.cookies()
    assert.equal(
      cookies.find((c) => c.name === 'dynzone_session'),
      undefined,
    )
  })

  it('logs in with the keyboard alone', async () => {
    await page.goto(`${base}/login`)
    // The user name field has focus on load (`autofocus`, applied once the page settles: on a
    // busy machine typing at once could go nowhere); Tab reaches the password, Enter submits.
    await page.waitForFunction("document.activeElement?.getAttribute('name') === 'username'")
    await page.keyboard.type('alice')
    await page.keyboard.press('Tab')
    await page.keyboard.type('alice-password')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${base}/hosts`)
    const cookie = (await alice.cookies()).find((c) => c.name === 'dynzone_session')
    assert.equal(cookie?.httpOnly, true)
    assert.equal(cookie.sameSite, 'Lax')
  })

  it('creates a host', async () => {
    await page.getByRole('link', { name: 'New host' }).click()
    await checkPage(page, 'new-host')
    await page.getByLabel('Name').fill('home')
    await page.getByRole('button', { name: 'Create host' }).click()
    await page.getByText(`Host ${HOST} created.`).waitFor()
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), HOST)
    // The form was answered with a redirect: a reload neither re-posts nor repeats the message.
    await page.reload()
    assert.equal(await page.getByText(`Host ${HOST} created.`).count(), 0)
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), HOST)
  })

  it('creates a token whose secret is shown once, with client settings', async () => {
    await page.getByLabel('Label').fill('router')
    await page.getByRole('button', { name: 'Create token' }).click()
    await page.getByText('Copy the secret now').waitFor()
    token = ((await page.locator('#secret').textContent()) ?? '').trim()
    assert.match(token, /^[a-z2-7]{32}$/)
    const curlLine = (await page.locator('#client-curl').textContent()) ?? ''
    assert.ok(curlLine.includes(`${base.replace('http://', '')}/nic/update?hostname=${HOST}`))
    assert.ok(curlLine.includes(`alice:${token}`))
    await checkPage(page, 'token-created')
    await page.getByRole('link', { name: 'Done' }).click()
    assert.equal(await page.locator('main').getByText(token).count(), 0)
  })

  it('shows the address and history entry of a real curl update', async () => {
    const r = await update(token, '203.0.113.45')
    assert.equal(r.status, 200)
    assert.equal(r.body.trim(), 'good 203.0.113.45')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), ['203.0.113.45'])
    await page.reload()
    const main = page.locator('main')
    assert.match((await main.textContent()) ?? '', /IPv4 \(A\)\s*203\.0\.113\.45/)
    const history = page.locator('#history + .table-wrap tbody tr')
    assert.equal(await history.count(), 1)
    const row = (await history.first().textContent()) ?? ''
    assert.match(row, /dyndns2/)
    assert.match(row, /203\.0\.113\.45/)
    await checkPage(page, 'host')
    await page.getByRole('link', { name: 'My hosts' }).click()
    assert.match((await page.locator('tbody').textContent()) ?? '', /203\.0\.113\.45/)
    await checkPage(page, 'hosts')
  })

  it('revokes the token and the next update is refused', async () => {
    await page.getByRole('link', { name: HOST }).click()
    // The token table links to a confirmation page; nothing changes before it is confirmed.
    await page.getByRole('link', { name: 'Revoke token router' }).click()
    await page.getByRole('heading', { name: /Revoke token “router”/ }).waitFor()
    await checkPage(page, 'confirm-revoke')
    assert.equal((await update(token, '203.0.113.45')).body.trim(), 'nochg 203.0.113.45')
    await page.getByRole('button', { name: 'Revoke token' }).click()
    await page.getByText(/Token “router” \(home\.dyn\.example\.test, address\) revoked/).waitFor()
    assert.equal(new URL(page.url()).pathname, '/hosts/1')
    const r = await update(token, '203.0.113.46')
    assert.equal(r.status, 401)
    assert.equal(r.body.trim(), 'badauth')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), ['203.0.113.45'])
    // The refused update is in the host's history, with its reason, for the owner to see.
    await page.reload()
    const latest =
      (await page.locator('#history + .table-wrap tbody tr').first().textContent()) ?? ''
    assert.match(latest, /badauth/)
    assert.match(latest, /bad credentials/)
    assert.ok(!latest.includes(token))
  })

  it('rotates a token: the old secret stops working, the new one works', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click()
    await page.getByLabel('Host').selectOption(HOST)
    await page.getByLabel('Label').fill('script')
    await page.getByRole('button', { name: 'Create token' }).click()
    const first = ((await page.locator('#secret').textContent()) ?? '').trim()
    await page.getByRole('link', { name: 'Done' }).click()
    await checkPage(page, 'tokens')
    assert.equal((await update(first, '203.0.113.47')).body.trim(), 'good 203.0.113.47')
    await page.getByRole('link', { name: 'Rotate token script' }).click()
    await page.getByRole('button', { name: 'Rotate token' }).click()
    await page.getByText('The old secret no longer works.').waitFor()
    const second = ((await page.locator('#secret').textContent()) ?? '').trim()
    assert.notEqual(second, first)
    assert.equal((await update(first, '203.0.113.48')).status, 401)
    assert.equal((await update(second, '203.0.113.47')).body.trim(), 'nochg 203.0.113.47')
  })

  it("sets the address by hand and to the browser's own, as DNS then answers", async () => {
    await page.goto(`${base}/hosts/1`)
    await page.getByLabel('New IPv4 (A) address').fill('203.0.113.60')
    await page.getByRole('button', { name: 'Set IPv4 (A)' }).click()
    await page.getByText(`IPv4 of ${HOST}: 203.0.113.47 → 203.0.113.60.`).waitFor()
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), ['203.0.113.60'])
    await page.getByLabel('New IPv4 (A) address').fill('300.1.2.3')
    await page.getByRole('button', { name: 'Set IPv4 (A)' }).click()
    await page.getByText(`IPv4 of ${HOST} unchanged:`).waitFor()
    assert.equal(await page.locator('#my-address').textContent(), '127.0.0.1')
    await page.getByRole('button', { name: 'Use my current address (127.0.0.1)' }).click()
    await page.getByText(`IPv4 of ${HOST}: 203.0.113.60 → 127.0.0.1.`).waitFor()
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, HOST), ['127.0.0.1'])
    const latest =
      (await page.locator('#history + .table-wrap tbody tr').first().textContent()) ?? ''
    assert.match(latest, /web \(alice\)/)
    await checkPage(page, 'host-address-set')
  })

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    const r = await page.request.post(`${base}/hosts/new`, {
      form: { label: 'sneaky', zone: ZONE },
      maxRedirects: 0,
    })
    assert.equal(r.status(), 403)
    await page.goto(`${base}/hosts`)
    assert.equal(await page.getByRole('link', { name: `sneaky.${ZONE}` }).count(), 0)
  })

  it('keeps non-admins out of the admin pages', async () => {
    const r = await page.goto(`${base}/admin/users`)
    assert.equal(r?.status(), 403)
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0)
  })

  it("shows times in the reader's zone with their age, UTC on hover", async () => {
    await page.goto(`${base}/hosts`)
    const time = page.locator('tbody time').first()
    await page.waitForSelector('tbody time[data-local]')
    // The contexts run in Europe/Berlin: CET in December.
    assert.match((await time.textContent()) ?? '', /CET.*\((now|\d+ (seconds?|minutes?) ago)\)/)
    assert.match((await time.getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
    assert.match((await time.getAttribute('datetime')) ?? '', /Z$/)
  })

  it('draws a known address timeline readably at both sizes', async () => {
    const now = new Date('2030-01-31T00:00:00Z')
    const ev = (at: string, result: string, oldValue: string, newValue: string) => ({
      at,
      result,
      oldValue,
      newValue,
      dialect: 'dyndns2',
      clientIp: '192.0.2.1',
      actor: 'alice',
    })
    const history = [
      ev('2030-01-25T12:00:00Z', 'nochg', '192.0.2.3,2001:db8::1', '192.0.2.3,2001:db8::1'),
      ev('2030-01-21T06:00:00Z', 'badauth', '', 'bad credentials'),
      ev('2030-01-21T00:00:00Z', 'good', '192.0.2.2,2001:db8::1', '192.0.2.3,2001:db8::1'),
      ev('2030-01-16T00:00:00Z', 'good', '192.0.2.2,-', '192.0.2.2,2001:db8::1'),
      ev('2030-01-11T00:00:00Z', 'good', '192.0.2.1,-', '192.0.2.2,-'),
      ev('2029-12-01T00:00:00Z', 'good', '-,-', '192.0.2.1,-'),
    ]
    const svg = timelineSvg('home.example', history, { now, days: 30 })
    for (const size of ['desktop', 'phone'] as const) {
      const ctx = await newSizedContext(browser, size)
      const p = await ctx.newPage()
      await p.goto(`${base}/login`)
      await p.setContent(
        `<!doctype html><html lang="en"><head><title>Timeline</title><link rel="stylesheet" href="${base}/static/web.css"></head><body><main><h1>Timeline</h1>${svg.text}</main></body></html>`,
      )
      assert.equal(await p.locator('svg g.span').count(), 4)
      const box = await p.locator('svg').boundingBox()
      assert.ok(box !== null && box.width <= (size === 'phone' ? 390 : 1280))
      await checkPage(p, 'timeline-known')
      await ctx.close()
    }
  })

  for (const size of ['desktop', 'phone'] as const satisfies readonly SizeName[]) {
    it(`passes axe-core and fits the screen on every page (${size})`, async () => {
      const ctx = await newSizedContext(browser, size)
      for (const [who, paths] of [
        ['alice', ['/hosts', '/hosts/new', '/hosts/1', '/tokens', '/tokens/2/rotate']],
        [
          'root',
          [
            '/admin/dashboard',
            '/admin/users',
            '/admin/users/alice/delete',
            '/admin/users/alice/admin',
            '/admin/users/alice/password',
            '/admin/hosts',
            '/admin/zones',
            '/admin/lockouts',
            '/admin/audit',
            '/hosts/999',
          ],
        ],
      ] as const) {
        const p = await ctx.newPage()
        await p.goto(`${base}/login`)
        await checkPage(p, 'login')
        await login(p, who, `${who}-password`)
        for (const path of paths) {
          await p.goto(`${base}${path}`)
          await checkPage(p, path.slice(1).replaceAll('/', '-'))
        }
        await p.getByRole('button', { name: /Log out/ }).click()
        await p.close()
      }
      await ctx.close()
    })
  }

  it('lets an admin see the dashboard, manage users and see every host and zone', async () => {
    const ctx = await newSizedContext(browser, 'desktop')
    const p = await ctx.newPage()
    await login(p, 'root', 'root-password')
    // Real queries the 10 s sampler counts: the dashboard shows a step with their rate.
    for (let i = 0; i < 20; i++) await digShort('127.0.0.1', dnsPort, HOST)
    await p.getByRole('link', { name: 'Dashboard' }).click()
    // Queries counted in the drawn steps: each step's rate times its 10 s.
    const counted = async (): Promise<number> => {
      const titles = await p.locator('svg g.step title').allTextContents()
      return titles.reduce((n, t) => n + 10 * Number(/: ([\d.]+) queries/.exec(t)?.[1] ?? 0), 0)
    }
    for (let tries = 0; tries < 25 && (await counted()) < 20; tries++) {
      await p.waitForTimeout(1000)
      await p.reload()
    }
    assert.ok((await counted()) >= 20, 'the steps count the 20 queries sent')
    assert.equal(
      await p.getByRole('img', { name: 'DNS queries per second, per 10 seconds' }).count(),
      1,
    )
    assert.match(await p.locator('p.query-rate').innerText(), /Now: [\d.]+ queries per second/)
    assert.equal(await p.locator('svg g.hour').count(), 24)
    assert.equal(
      await p.getByRole('img', { name: 'Updates and failed updates per hour' }).count(),
      1,
    )
    assert.ok((await p.getByRole('link', { name: HOST, exact: true }).count()) >= 1, 'busiest')
    assert.equal(await p.getByRole('cell', { name: ZONE, exact: true }).count(), 1)
    await checkPage(p, 'admin-dashboard-known')
    await p.getByRole('link', { name: 'Users' }).click()
    await p.locator('#name').fill('bob')
    await p.locator('#password').fill('bob-password')
    await p.getByRole('button', { name: 'Create user' }).click()
    await p.getByText('User bob created.').waitFor()
    assert.equal(await p.getByRole('cell', { name: 'bob', exact: true }).count(), 1)
    await checkPage(p, 'admin-users')
    await p.getByRole('link', { name: 'All hosts' }).click()
    await p.getByLabel('Search hosts').fill('home')
    await p.getByRole('button', { name: 'Search' }).click()
    assert.equal(await p.getByRole('link', { name: HOST }).count(), 1)
    assert.equal(await p.getByRole('cell', { name: 'alice', exact: true }).count(), 1)
    await checkPage(p, 'admin-hosts')
    await p.getByRole('link', { name: 'Zones' }).click()
    assert.equal(await p.getByRole('cell', { name: ZONE, exact: true }).count(), 1)
    await checkPage(p, 'admin-zones')
    await p.getByRole('link', { name: 'Lockouts' }).click()
    assert.equal(await p.getByRole('heading', { name: 'Lockouts' }).count(), 1)
    await checkPage(p, 'admin-lockouts')
    await ctx.close()
  })

  it('logs out: the session is gone', async () => {
    await page.goto(`${base}/hosts`)
    await page.getByRole('button', { name: /Log out/ }).click()
    await page.getByText('You are logged out.').waitFor()
    await checkPage(page, 'logged-out')
    await page.goto(`${base}/hosts`)
    assert.equal(new URL(page.url()).pathname, '/login')
  })
})
