/**
 * A browser and a router behind the same address: the browser's favicon, robots.txt, scanner
 * paths and typos that cannot be an sftdyn key are unknown pages (an HTML 404), never bad
 * keys, so the router's correct key still updates and `badauth` does not move; a key that
 * could be one but is wrong keeps sftdyn's `403 BADKEY`. An address the policy refuses is
 * sftdyn's `FAIL`, with a 4xx. A real `dynzone serve`, `curl` and `dig`.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
// Not under a special-use name: update.address_policy "auto" refuses loopback there.
const PUBLIC_ZONE = 'dyn.dynzone-public.net'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const BROWSER = [
  '-H',
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  '-A',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
]
// What a browser, a crawler and a scanner ask for; none of it can be an sftdyn key.
const NOT_KEYS = [
  '/apple-touch-icon.png',
  '/apple-touch-icon-precomposed.png',
  '/favicon-32x32.png',
  '/site.webmanifest',
  '/sitemap.xml',
  '/index.html',
  '/wp-login.php',
  '/.env',
  '/.git/config',
  '/.well-known/security.txt',
  `/${'k'.repeat(201)}`,
]

describe('browsers beside an sftdyn router', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-browsers-'))
  const config = join(dir, 'dynzone.toml')
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  const keys = new Map<string, string>()

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runDynzone(['--config', config, ...args, ...ARGS], dir)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const badauth = async (): Promise<number> => {
    const r = await curl([`${http}/metrics`])
    const m = /^dynzone_updates_total\{dialect="sftdyn",result="badauth"\} (\d+)$/m.exec(r.body)
    return Number(m?.[1] ?? 0)
  }

  before(async () => {
    writeFileSync(
      config,
      `data_dir = "${join(dir, 'data')}"\n[[zones]]\nname = "${ZONE}"\n[[zones]]\nname = "${PUBLIC_ZONE}"\n`,
    )
    await cli('user', 'add', 'alice')
    for (const host of [`home.${ZONE}`, `home.${PUBLIC_ZONE}`]) {
      await cli('host', 'add', host, '--user', 'alice')
      const out = await cli('token', 'create', '--user', 'alice', '--host', host, '--json')
      keys.set(host, (JSON.parse(out) as { secret: string }).secret)
    }
    server = startDynzone(['serve', '--config', config, ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves a cached favicon and a robots.txt that disallows everything', async () => {
    const icon = await curl([...BROWSER, `${http}/favicon.ico`])
    assert.equal(icon.status, 200)
    assert.match(icon.headers, /^content-type: image\/x-icon\r?$/im)
    assert.match(icon.headers, /^cache-control: public, max-age=\d+/im)
    const robots = await curl([`${http}/robots.txt`])
    assert.deepEqual([robots.status, robots.body], [200, 'User-agent: *\nDisallow: /\n'])
  })

  it('answers paths that cannot be a key with a 404 page, and the router key still works', async () => {
    const before = await badauth()
    for (let round = 0; round < 3; round++) {
      for (const path of NOT_KEYS) {
        const r = await curl([...BROWSER, `${http}${path}`])
        assert.equal(r.status, 404, path)
        assert.match(r.headers, /^content-type: text\/html/im, path)
        assert.match(r.body, /<h1>Not found<\/h1>/, path)
      }
    }
    const script = await curl([`${http}/favicon-16x16.png`])
    assert.deepEqual([script.status, script.body], [404, 'not found\n'])
    const post = await curl([...BROWSER, '-X', 'POST', `${http}/no/such/page`])
    assert.match(`${String(post.status)} ${post.body}`, /^404 <!doctype html>/)

    const locks = await cli('lockout', 'list', '--all', '--json')
    assert.deepEqual(JSON.parse(locks), [])
    const update = await curl([`${http}/${keys.get(`home.${ZONE}`) ?? ''}`])
    assert.deepEqual([update.status, update.body], [200, 'OK'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${ZONE}`), ['127.0.0.1'])
    assert.equal(await badauth(), before)
  })

  it('keeps 403 BADKEY for a path that could be a key', async () => {
    const before = await badauth()
    const r = await curl([`${http}/not-a-key?host=x&key=y`])
    assert.deepEqual([r.status, r.body], [403, 'BADKEY'])
    assert.equal(await badauth(), before + 1)
  })

  it('answers an address the policy refuses with 400 FAIL', async () => {
    const r = await curl([`${http}/${keys.get(`home.${PUBLIC_ZONE}`) ?? ''}`])
    assert.deepEqual([r.status, r.body], [400, 'FAIL'])
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${PUBLIC_ZONE}`), [])
  })
})
