/**
 * Every update dialect end to end: the real `dynzone serve`, users/hosts/tokens made with
 * the real CLI, a real `curl` per dialect checked byte for byte, and `dig` against the
 * built-in DNS server showing the change.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const HOSTS = ['sft', 'dj', 'd53', 'duck', 'duck2', 'v6', 'dd2', 'v3', 'upd', 'bücher']

describe('update dialects end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-dialects-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  const tokens = new Map<string, string>()

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runInProcess([...args, ...ARGS], dir, { stdin: 'alice-password\n' })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const dig = (label: string, type = 'A'): Promise<string[]> =>
    digShort('127.0.0.1', dnsPort, `${label}.${ZONE}`, type)

  before(async () => {
    await cli('user', 'add', 'alice', '--password-stdin')
    for (const label of HOSTS) {
      await cli('host', 'add', `${label}.${ZONE}`, '--user', 'alice')
      const out = await cli(
        'token',
        'create',
        '--user',
        'alice',
        '--host',
        `${label}.${ZONE}`,
        '--json',
      )
      tokens.set(label, (JSON.parse(out) as { secret: string }).secret)
    }
    tokens.set(
      'user',
      (JSON.parse(await cli('token', 'create', '--user', 'alice', '--json')) as { secret: string })
        .secret,
    )
    // Debug level and request lines on: the log audit below checks the most verbose output.
    server = startDynzone(
      ['serve', ...ARGS, '--set', 'log.level=debug', '--set', 'log.requests=true'],
      dir,
    )
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const token = (label: string): string => tokens.get(label) ?? ''

  it('dyndns2 on /nic/update, /v3/update and /update', async () => {
    for (const [path, label, ip] of [
      ['/nic/update', 'dd2', '203.0.113.21'],
      ['/v3/update', 'v3', '203.0.113.22'],
      ['/update', 'upd', '203.0.113.23'],
    ] as const) {
      const url = `${http}${path}?hostname=${label}.${ZONE}&myip=${ip}`
      const r = await curl(['-u', `alice:${token('user')}`, url])
      assert.deepEqual([r.status, r.body], [200, `good ${ip}`], path)
      assert.deepEqual(await dig(label), [ip])
    }
  })

  it('dyndns2 reaches an IDN host by its Unicode and punycode names', async () => {
    const unicode = await curl([
      '-u',
      `alice:${token('user')}`,
      `${http}/nic/update?hostname=${encodeURIComponent(`bücher.${ZONE}`)}&myip=203.0.113.24`,
    ])
    assert.equal(unicode.body, 'good 203.0.113.24')
    const puny = await curl([
      '-u',
      `alice:${token('user')}`,
      `${http}/nic/update?hostname=xn--bcher-kva.${ZONE}&myip=203.0.113.24`,
    ])
    assert.equal(puny.body, 'nochg 203.0.113.24')
    assert.deepEqual(await dig('xn--bcher-kva'), ['203.0.113.24'])
  })

  it('sftdyn: the caller IP, OK, UPTODATE and 403 BADKEY', async () => {
    const bare = await curl([`${http}/`])
    assert.deepEqual([bare.status, bare.body], [200, '127.0.0.1'])
    const first = await curl([`${http}/${token('sft')}`])
    assert.deepEqual([first.status, first.body], [200, 'OK'])
    assert.deepEqual(await dig('sft'), ['127.0.0.1'])
    const again = await curl([`${http}/${token('sft')}`])
    assert.deepEqual([again.status, again.body], [200, 'UPTODATE'])
    const bad = await curl([`${http}/not-a-key?host=x&key=y`])
    assert.deepEqual([bad.status, bad.body], [403, 'BADKEY'])
    // A key that is not bound to one host cannot pick a host.
    const unbound = await curl([`${http}/${token('user')}`])
    assert.deepEqual([unbound.status, unbound.body], [403, 'BADKEY'])
  })

  it('django-dynamic-dns: POST /update/<domain>/ with key and ip', async () => {
    const r = await curl([
      `${http}/update/dj.${ZONE}/`,
      '--data',
      `key=${token('dj')}&ip=198.51.100.31`,
    ])
    assert.equal(r.status, 200)
    assert.match(
      r.body,
      /^\{"domain": "dj\.dyn\.example\.test", "ip": "198\.51\.100\.31", "last_change": "[^"]+", "updated": true\}$/,
    )
    assert.deepEqual(await dig('dj'), ['198.51.100.31'])
    const bad = await curl([`${http}/update/dj.${ZONE}/`, '--data', 'key=wrong'])
    assert.deepEqual([bad.status, bad.body], [403, '{"error": "Authentication failure"}'])
    const none = await curl([`${http}/update/dj.${ZONE}/`, '--data', 'ip=198.51.100.1'])
    assert.deepEqual([none.status, none.body], [400, '{"error": "Bad request"}'])
  })

  it('dyndns53: /register_ip with hostname:token, /check_ip', async () => {
    const r = await curl(['-u', `d53.${ZONE}:${token('d53')}`, `${http}/register_ip`])
    assert.deepEqual([r.status, r.body], [200, ''])
    assert.deepEqual(await dig('d53'), ['127.0.0.1'])
    const bad = await curl(['-u', `d53.${ZONE}:wrong`, `${http}/register_ip`])
    assert.equal(bad.status, 401)
    assert.match(bad.headers, /^www-authenticate: Basic realm=""/im)
    const check = await curl([`${http}/check_ip`])
    assert.deepEqual([check.status, check.body], [200, '127.0.0.1'])
  })

  it('DuckDNS: query form with verbose, path form, KO', async () => {
    const q = await curl([
      `${http}/update?domains=duck,duck2&token=${token('user')}&ip=192.0.2.41&verbose=true`,
    ])
    assert.deepEqual([q.status, q.body], [200, 'OK\n192.0.2.41\n\nUPDATED'])
    assert.deepEqual(await dig('duck'), ['192.0.2.41'])
    assert.deepEqual(await dig('duck2'), ['192.0.2.41'])
    const p = await curl([`${http}/update/duck/${token('duck')}/192.0.2.42`])
    assert.deepEqual([p.status, p.body], [200, 'OK'])
    assert.deepEqual(await dig('duck'), ['192.0.2.42'])
    const ko = await curl([`${http}/update?domains=duck&token=wrong`])
    assert.deepEqual([ko.status, ko.body], [200, 'KO'])
    const clear = await curl([`${http}/update?domains=duck2&token=${token('duck2')}&clear=true`])
    assert.equal(clear.body, 'OK')
    assert.deepEqual(await dig('duck2'), [])
  })

  it('dynv6: ipv4, ipv6, then unchanged; a family not sent is kept', async () => {
    const url = `${http}/api/update?hostname=v6.${ZONE}&token=${token('v6')}`
    const r = await curl([`${url}&ipv4=192.0.2.51&ipv6=2001:db8::51`])
    assert.deepEqual([r.status, r.body], [200, 'addresses updated'])
    assert.deepEqual(await dig('v6'), ['192.0.2.51'])
    assert.deepEqual(await dig('v6', 'AAAA'), ['2001:db8::51'])
    const same = await curl([`${url}&ipv4=192.0.2.51`])
    assert.deepEqual([same.status, same.body], [200, 'addresses unchanged'])
    const v4only = await curl([`${url}&ipv4=192.0.2.52`])
    assert.equal(v4only.body, 'addresses updated')
    assert.deepEqual(await dig('v6', 'AAAA'), ['2001:db8::51'])
    const removed = await curl([`${url}&ipv6=-`])
    assert.equal(removed.body, 'addresses updated')
    assert.deepEqual(await dig('v6', 'AAAA'), [])
    const bad = await curl([`${http}/api/update?zone=v6.${ZONE}&token=wrong&ipv4=auto`])
    assert.deepEqual([bad.status, bad.body], [401, 'invalid authentication token'])
  })

  // Every check-IP path and format is src/http/app.test.ts's; here the raw answer curl reads.
  it('check-IP: plain text, the classic page, and no address in any header', async () => {
    const plain = await curl([`${http}/checkip`])
    assert.deepEqual([plain.status, plain.body], [200, '127.0.0.1'])
    assert.doesNotMatch(plain.headers, /127\.0\.0\.1/)
    const page = await curl([`${http}/nic/checkip`])
    assert.equal(
      page.body,
      '<html><head><title>Current IP Check</title></head><body>Current IP Address: 127.0.0.1</body></html>\r\n',
    )
    assert.doesNotMatch(page.headers, /127\.0\.0\.1/)
  })

  it('never logs a secret URL', () => {
    const logs = server.stdout() + server.stderr()
    for (const secret of tokens.values())
      assert.ok(!logs.includes(secret), 'a token reached the log')
  })

  // Runs last: every request above carried one of these secrets in a header, a query, a form
  // body or the URL path itself (sftdyn).
  it('never writes a secret to any log line, at debug level with request logging', () => {
    const output = server.stdout() + server.stderr()
    assert.match(output, /"msg":"request"/, 'request lines are logged')
    assert.match(output, /"msg":"update"/, 'update lines are logged')
    for (const [label, secret] of [...tokens, ['password', 'alice-password'] as const]) {
      assert.equal(secret.length >= 14, true, label)
      assert.ok(!output.includes(secret), `the ${label} secret appeared in the log output`)
    }
  })
})
