/**
 * The router inspector against a real `dynzone serve`: real requests of several dialects
 * with curl (DynDNS2 with Basic auth and with the password in the query as router URL
 * templates send it, a wrong password, DuckDNS, dynv6, an sftdyn secret URL), then the host's
 * requests read back from the API and seen on the host page in headless Chromium at desktop
 * and phone size (axe-core, screenshots in test-artifacts/screenshots/). No secret may appear
 * in the API's answer, the page, or anywhere in the database files.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ARTIFACTS, recordSecret } from '../helpers/artifacts.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const SHOTS = join(ARTIFACTS, 'screenshots')
const PASSWORD = 'Tr0ub4dor-9f3k'
const WRONG = 'wrong-guess-7hq2'
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }

interface Entry {
  dialect: string
  method: string
  path: string
  params: Record<string, string>
  credentials: string
  taken: { ipv4: string; ipv6: string }
  result: string
  reply: string
  reason: string
}

// axe-core run inside the page through the DevTools protocol (the pages' CSP stays on), on
// the whole page or only the part matching `within`.
async function seriousViolations(page: Page, within = 'html'): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(source)
  const found = await page.evaluate(`(async () => {
    const r = await window.axe.run(${JSON.stringify(within)}, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.nodes.map((n) => String(n.target)).join(', '))
  })()`)
  return found as string[]
}

describe('router inspector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-inspector-'))
  let server: DynzoneProcess
  let browser: Browser
  let base = ''
  let hostToken = ''
  let apiToken = ''
  let secrets: string[] = []

  const cli = async (args: string[], stdin = ''): Promise<string> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const newToken = async (extra: string[]): Promise<string> => {
    const out = JSON.parse(
      await cli(['token', 'create', '--user', 'alice', ...extra, '--json']),
    ) as { secret: string }
    recordSecret(out.secret)
    return out.secret
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await cli(['user', 'add', 'alice', '--password-stdin'], `${PASSWORD}\n`)
    await cli(['host', 'add', HOST, '--user', 'alice'])
    hostToken = await newToken(['--host', HOST])
    apiToken = await newToken(['--scope', 'api'])
    secrets = [PASSWORD, WRONG, hostToken, apiToken]
    recordSecret(PASSWORD, WRONG)
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    base = `http://127.0.0.1:${m[2] ?? ''}`
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
  })
  after(async () => {
    await browser.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps what real clients of several dialects sent, redacted, with the reasons', async () => {
    const sent = [
      // ddclient and curl: Basic auth.
      ['-u', `alice:${PASSWORD}`, `${base}/nic/update?hostname=${HOST}&myip=203.0.113.10`],
      // A router URL template: credentials in the query.
      [`${base}/nic/update?hostname=${HOST}&myip=203.0.113.11&username=alice&password=${PASSWORD}`],
      ['-u', `alice:${WRONG}`, `${base}/nic/update?hostname=${HOST}&myip=203.0.113.12`],
      [`${base}/update?domains=home&token=${hostToken}&ip=203.0.113.13`],
      [`${base}/api/update?hostname=${HOST}&token=${hostToken}&ipv6=2001:db8::13`],
      // sftdyn: the key is the whole path.
      [`${base}/${hostToken}`],
    ]
    for (const args of sent) await curl(args)
    const r = await curl([
      '-H',
      `authorization: Bearer ${apiToken}`,
      `${base}/api/v1/hosts/${HOST}/requests`,
    ])
    assert.equal(r.status, 200, r.body)
    for (const s of secrets) assert.ok(!r.body.includes(s), 'a secret in the API answer')
    const items = (JSON.parse(r.body) as { items: Entry[] }).items.reverse()
    assert.deepEqual(
      items.map((e) => [e.dialect, e.result]),
      [
        ['dyndns2', 'good'],
        ['dyndns2', 'good'],
        ['dyndns2', 'badauth'],
        ['duckdns', 'good'],
        ['dynv6', 'good'],
        ['sftdyn', items[5]?.result ?? ''],
      ],
    )
    const [basic, query, refused, duck, dynv6, sftdyn] = items
    assert.equal(basic?.credentials, 'basic as alice')
    assert.equal(basic.taken.ipv4, '203.0.113.10')
    assert.equal(basic.reply, 'good 203.0.113.10')
    assert.deepEqual(query?.params, {
      hostname: HOST,
      myip: '203.0.113.11',
      username: 'alice',
      password: '[redacted]',
    })
    assert.equal(refused?.reason, 'bad credentials')
    assert.equal(refused.credentials, 'basic')
    assert.equal(duck?.params.token, '[redacted]')
    assert.equal(dynv6?.taken.ipv6, '2001:db8::13')
    assert.match(dynv6.taken.ipv4, /^not sent/)
    assert.equal(sftdyn?.path, '/[redacted]')
  })

  it('keeps no secret anywhere in the database', async () => {
    // Written by the next flush (every 2 s) or the read above; then stop looking at a
    // live file only after the server wrote it out.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const files = ['dynzone.sqlite', 'dynzone.sqlite-wal'].map((f) => join(dir, 'data', f))
    assert.ok(existsSync(files[0] ?? ''))
    const bytes = files.filter((f) => existsSync(f)).map((f) => readFileSync(f))
    for (const s of secrets) {
      for (const b of bytes) assert.equal(b.indexOf(s), -1, 'a secret in the database file')
    }
    assert.ok(
      bytes.some((b) => b.indexOf('[redacted]') !== -1),
      'the inspector rows are there',
    )
  })

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`shows the requests on the host page (${size})`, async () => {
      const ctx = await browser.newContext({ viewport, isMobile: size === 'phone' })
      const page = await ctx.newPage()
      await page.goto(`${base}/login`)
      await page.getByLabel('User name').fill('alice')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(`${base}/hosts`)
      await page.getByRole('link', { name: HOST }).click()
      await page.getByRole('heading', { name: 'Router inspector' }).waitFor()
      // Newest first: the sftdyn request, then dynv6; the refused one further down.
      const entries = page.locator('.inspector details')
      assert.equal(await entries.count(), 6)
      await entries.nth(1).locator('summary').click()
      await entries.nth(3).locator('summary').click()
      await page.locator('.inspector').getByText('bad credentials').waitFor()
      await page.locator('.inspector').getByText('2001:db8::13').first().waitFor()
      const content = await page.content()
      for (const s of secrets) assert.ok(!content.includes(s), 'a secret on the page')
      // The inspector everywhere; the whole page at desktop size (on a phone the history
      // table above it scrolls sideways, which the phone layout's card tables replace).
      assert.deepEqual(await seriousViolations(page, '.inspector-section'), [])
      if (size === 'desktop') assert.deepEqual(await seriousViolations(page), [])
      const width = await page.evaluate('document.documentElement.scrollWidth')
      assert.ok(Number(width) <= viewport.width, `page is ${String(width)} px wide`)
      await page.locator('#requests').scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SHOTS, `inspector-${size}.png`), fullPage: true })
      await ctx.close()
    })
  }

  it('warns on the host page of temporary IPv6 addresses, with the fix', async () => {
    for (const iid of ['a1b2:c3d4:e5f6:1', '9f8e:7d6c:5b4a:2', '1234:5678:9abc:3']) {
      const r = await curl([
        '-u',
        `alice:${PASSWORD}`,
        `${base}/nic/update?hostname=${HOST}&myip=2001:db8:1:2:${iid}`,
      ])
      assert.match(r.body, /^good /)
    }
    for (const [size, viewport] of Object.entries(SIZES)) {
      const ctx = await browser.newContext({ viewport, isMobile: size === 'phone' })
      const page = await ctx.newPage()
      await page.goto(`${base}/login`)
      await page.getByLabel('User name').fill('alice')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(`${base}/hosts`)
      await page.getByRole('link', { name: HOST }).click()
      await page.getByText('This host keeps publishing temporary IPv6 addresses.').waitFor()
      await page.getByText('2001:db8:1:2::/64').waitFor()
      await page.getByText('stable-privacy, RFC 7217').waitFor()
      assert.deepEqual(await seriousViolations(page, '.error'), [])
      await page.screenshot({ path: join(SHOTS, `temporary-ipv6-${size}.png`) })
      await ctx.close()
    }
  })
})
