/**
 * Headless Chromium for the web UI's tests (Debian `chromium` driven by playwright-core):
 * a browser, a context at desktop (1280×800) and at phone (390×844) size, an axe-core check
 * that fails on any serious or critical violation, a screenshot of each page at its size in
 * `test-artifacts/screenshots/` (git-ignored; look at them), and the phone rule that the page
 * itself never scrolls sideways.
 *
 *   const browser = await launchBrowser()
 *   const page = await (await newSizedContext(browser, 'phone')).newPage()
 *   await checkPage(page, 'hosts')  // axe, screenshot `hosts-phone.png`, width on a phone
 *
 * axe-core is evaluated in the page through the DevTools protocol, so the pages' content
 * security policy (no inline script) stays on while it runs.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { ARTIFACTS } from './artifacts.ts'

/** Where screenshots go. */
export const SCREENSHOTS = join(ARTIFACTS, 'screenshots')

/** The two sizes every page is checked at. */
export const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

/** A size name. */
export type SizeName = keyof typeof SIZES

const sizeOf = new WeakMap<Page, SizeName>()

/** Starts headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  })
}

/** A browser context at one of the two sizes (a phone is a touch device); times in UTC+1. */
export async function newSizedContext(
  browser: Browser,
  size: SizeName,
  o: { timezoneId?: string } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: SIZES[size],
    isMobile: size === 'phone',
    hasTouch: size === 'phone',
    timezoneId: o.timezoneId ?? 'Europe/Berlin',
    locale: 'en-GB',
  })
  ctx.on('page', (p) => sizeOf.set(p, size))
  return ctx
}

/** A new page in a context made by `newSizedContext`. */
export async function newSizedPage(browser: Browser, size: SizeName): Promise<Page> {
  const ctx = await newSizedContext(browser, size)
  const page = await ctx.newPage()
  sizeOf.set(page, size)
  return page
}

let axeSource: string | undefined

/** One axe finding, as much as a failure message needs. */
export interface AxeFinding {
  readonly id: string
  readonly impact: string
  readonly help: string
  readonly targets: readonly string[]
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await page.evaluate(axeSource)
  const found = await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact || 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => String(n.target)),
    }))
  })()`)
  return (found as AxeFinding[]).filter((f) => f.impact === 'serious' || f.impact === 'critical')
}

/** Fails when axe-core finds a serious or critical violation on the page. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  const bad = await axeViolations(page)
  const text = bad.map((f) => `${f.impact} ${f.id}: ${f.help} at ${f.targets.join(', ')}`)
  assert.deepEqual(text, [], `accessibility of ${name}`)
}

/** Writes `<name>-<size>.png` (the whole page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const size = sizeOf.get(page) ?? 'desktop'
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true })
}

/**
 * Fails when the page itself is wider than the screen, or a table not marked wide scrolls
 * sideways (on a phone only wide tables may).
 */
export async function assertFitsWidth(page: Page): Promise<void> {
  const { scroll, width, scrolling } = await page.evaluate<{
    scroll: number
    width: number
    scrolling: number
  }>(`({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    scrolling: [...document.querySelectorAll('.table-wrap')].filter(
      (w) => w.querySelector('table.wide') === null && w.scrollWidth > w.clientWidth + 1,
    ).length,
  })`)
  const where = page.url()
  assert.ok(
    scroll <= width,
    `${where} is ${String(scroll)} px wide on a ${String(width)} px screen`,
  )
  assert.equal(scrolling, 0, `${where}: tables that scroll sideways`)
}

/** The checks every page gets: axe, a screenshot, and on a phone the width. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await assertAccessible(page, name)
  if (sizeOf.get(page) === 'phone') await assertFitsWidth(page)
  await screenshot(page, name)
}
