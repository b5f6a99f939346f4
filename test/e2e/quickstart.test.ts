/**
 * The README's promise, end to end: `dynzone serve` on embedded defaults prints a curl and a
 * dig line; curl answers `good`, dig then shows the address, a repeat answers `nochg`, a wrong
 * password gets `401 badauth`, and a second start creates no duplicates and still serves.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const PORTS = ['--set', 'http.port=0', '--set', 'dns.port=0']

describe('quick start on embedded defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-quickstart-'))
  let server: DynzoneProcess
  let auth = ''
  let url = ''
  let dig = { host: '', port: 0, name: '' }
  let login = { url: '', password: '' }

  before(async () => {
    server = startDynzone(['serve', ...PORTS], dir)
    const update = await server.waitFor(/Update it:\s+curl -u (\S+) '([^']+)'/)
    const lookup = await server.waitFor(/Look it up: dig @(\S+) -p (\d+) (\S+) A \+short/)
    auth = update[1] ?? ''
    url = update[2] ?? ''
    dig = { host: lookup[1] ?? '', port: Number(lookup[2]), name: lookup[3] ?? '' }
    const web = await server.waitFor(/Web UI:\s+(\S+\/login) \(user demo, password (\S+)\)/)
    login = { url: web[1] ?? '', password: web[2] ?? '' }
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints a working update line: good, then dig shows the address', async () => {
    assert.match(auth, /^demo:[a-z2-7]{32}$/)
    assert.deepEqual(await digShort(dig.host, dig.port, dig.name), [])
    const r = await curl(['-u', auth, url])
    assert.equal(r.status, 200)
    assert.equal(r.body, 'good 203.0.113.10')
    assert.deepEqual(await digShort(dig.host, dig.port, dig.name), ['203.0.113.10'])
    assert.deepEqual(await digShort(dig.host, dig.port, dig.name, 'A', ['+tcp']), ['203.0.113.10'])
  })

  it('prints the web UI’s address and a demo password that signs in', async () => {
    const jar = join(dir, 'cookies')
    // Each attempt fetches the form first: a refused one replaces the form token.
    const post = async (password: string) => {
      const page = await curl(['-c', jar, '-b', jar, login.url])
      assert.equal(page.status, 200)
      const form = /name="form" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
      return curl([
        '-c',
        jar,
        '-b',
        jar,
        '--data-urlencode',
        `form=${form}`,
        '-d',
        'username=demo',
        '--data-urlencode',
        `password=${password}`,
        login.url,
      ])
    }
    const wrong = await post('not-the-password')
    assert.notEqual(wrong.status, 303)
    const signedIn = await post(login.password)
    assert.equal(signedIn.status, 303, signedIn.body)
    assert.match(signedIn.headers, /^location: \/hosts/im)
  })

  it('answers nochg to the same update', async () => {
    const r = await curl(['-u', auth, url])
    assert.equal(r.status, 200)
    assert.equal(r.body, 'nochg 203.0.113.10')
  })

  it('answers 401 badauth with a Basic challenge to a wrong password', async () => {
    const r = await curl(['-u', 'demo:wrong-password', url])
    assert.equal(r.status, 401)
    assert.equal(r.body, 'badauth')
    assert.match(r.headers, /^www-authenticate: Basic realm="dynzone"/im)
    assert.deepEqual(await digShort(dig.host, dig.port, dig.name), ['203.0.113.10'])
  })

  it('challenges a request without credentials (Wget, uclient-fetch)', async () => {
    const r = await curl([url])
    assert.equal(r.status, 401)
    assert.match(r.headers, /^www-authenticate: Basic/im)
  })

  it('keeps state and creates no duplicates on a second start', async () => {
    assert.equal(await server.stop(), 0)
    const second = startDynzone(['serve', ...PORTS], dir)
    try {
      await second.waitFor(/Demo host \S+ exists/)
      const lookup = await second.waitFor(/Look it up: dig @(\S+) -p (\d+) (\S+) A \+short/)
      assert.deepEqual(await digShort(lookup[1] ?? '', Number(lookup[2]), lookup[3] ?? ''), [
        '203.0.113.10',
      ])
    } finally {
      assert.equal(await second.stop(), 0)
    }
    const users = await runDynzone(['user', 'list', '--json'], dir)
    assert.equal(users.code, 0, users.stderr)
    const list = JSON.parse(users.stdout) as { name: string }[]
    assert.deepEqual(
      list.map((u) => u.name),
      ['demo'],
    )
    const hosts = await runDynzone(['host', 'list', '--json'], dir)
    const hostList = JSON.parse(hosts.stdout) as { fqdn: string; ipv4: string }[]
    assert.deepEqual(hostList, [
      { ...hostList[0], fqdn: 'myhost.dyn.example.test', ipv4: '203.0.113.10' },
    ])
    assert.equal(hostList.length, 1)
  })
})
