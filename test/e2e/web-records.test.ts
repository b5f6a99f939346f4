/**
 * The record editor in a real headless Chromium against a real `dynzone serve`: an admin adds
 * an MX and a CNAME on the zone's records page, an owner adds a record below their host on
 * the host page, `dig` against the running server answers them, and a delete through its
 * confirmation page takes one away again; the new pages pass axe-core and fit a phone, with
 * screenshots in test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { checkPage, launchBrowser, newSizedContext, type SizeName } from '../helpers/browser.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const HOST = `home.${ZONE}`
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']

describe('record editor in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-records-'))
  let server: DynzoneProcess
  let browser: Browser
  let base = ''
  let dnsPort = 0
  const records = `/admin/zones/${ZONE}/records`

  const cli = async (args: string[], stdin: string): Promise<void> => {
    const r = await runDynzone([...args, ...ARGS], dir, { stdin })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
  }
  const login = async (p: Page, name: string): Promise<void> => {
    await p.goto(`${base}/login`)
    await p.getByLabel('User name').fill(name)
    await p.getByLabel('Password').fill(`${name}-password`)
    await p.getByRole('button', { name: 'Log in' }).click()
    await p.waitForURL(`${base}/hosts`)
  }
  const addRecord = async (p: Page, name: string, type: string, value: string) => {
    await p.locator('#record_name').fill(name)
    await p.locator('#record_type').selectOption(type)
    await p.locator('#record_value').fill(value)
    await p.getByRole('button', { name: 'Add record' }).click()
  }
  const dig = (name: string, type: string) => digShort('127.0.0.1', dnsPort, name, type)

  before(async () => {
    await cli(['user', 'add', 'root', '--admin', '--password-stdin'], 'root-password\n')
    await cli(['user', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    base = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
    browser = await launchBrowser()
  })
  after(async () => {
    await browser.close()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lets an admin add an MX and a CNAME that DNS then answers', async () => {
    const ctx = await newSizedContext(browser, 'desktop')
    const p = await ctx.newPage()
    await login(p, 'root')
    await p.goto(`${base}/admin/zones`)
    await p.getByRole('link', { name: 'Records' }).click()
    await p.waitForURL(`${base}${records}`)
    await addRecord(p, '@', 'MX', '10 mail.example.net.')
    await p.getByText(`Added ${ZONE}. MX 10 mail.example.net.`).waitFor()
    await addRecord(p, 'www', 'CNAME', `${HOST}.`)
    await p.getByText(`Added www.${ZONE}. CNAME ${HOST}.`).waitFor()
    assert.deepEqual(await dig(ZONE, 'MX'), ['10 mail.example.net.'])
    assert.deepEqual(await dig(`www.${ZONE}`, 'CNAME'), [`${HOST}.`])
    // A CNAME beside the MX is refused with the record named; DNS is unchanged.
    await addRecord(p, '@', 'CNAME', `${HOST}.`)
    await p.getByText(/Not added: .*CNAME/).waitFor()
    assert.deepEqual(await dig(ZONE, 'CNAME'), [])
    await checkPage(p, 'admin-zone-records')
    await ctx.close()
  })

  it("lets an owner add a record below their host on the host's page", async () => {
    const ctx = await newSizedContext(browser, 'desktop')
    const p = await ctx.newPage()
    await login(p, 'alice')
    await p.getByRole('link', { name: 'New host' }).click()
    await p.getByLabel('Name').fill('home')
    await p.getByRole('button', { name: 'Create host' }).click()
    await p.getByText(`Host ${HOST} created.`).waitFor()
    await addRecord(p, 'mail', 'MX', '10 mx.example.net.')
    await p.getByText(`Added mail.${HOST}. MX 10 mx.example.net.`).waitFor()
    assert.deepEqual(await dig(`mail.${HOST}`, 'MX'), ['10 mx.example.net.'])
    await checkPage(p, 'host-records')
    // Deleting it: a confirmation page, then the record is gone from DNS.
    await p.getByRole('link', { name: `Delete mail.${HOST}. MX` }).click()
    await checkPage(p, 'confirm-record-delete')
    await p.getByRole('button', { name: 'Delete' }).click()
    await p.getByText(`Deleted mail.${HOST}. MX.`).waitFor()
    assert.deepEqual(await dig(`mail.${HOST}`, 'MX'), [])
    await ctx.close()
  })

  for (const size of ['desktop', 'phone'] as const satisfies readonly SizeName[]) {
    it(`passes axe-core and fits the screen on the editor's pages (${size})`, async () => {
      const ctx = await newSizedContext(browser, size)
      const p = await ctx.newPage()
      await login(p, 'root')
      for (const path of [
        records,
        `${records}?type=MX`,
        `${records}/www.${ZONE}/CNAME/delete`,
        '/hosts/1',
      ]) {
        await p.goto(`${base}${path}`)
        await checkPage(p, `records-${path.slice(1).replace(/[/?=]/g, '-')}`)
      }
      await ctx.close()
    })
  }
})
