/**
 * `dynzone import` / `dynzone export` as a real process: sftdyn's `CLIENTS` conf and
 * dyndns53's CSV become hosts and tokens whose old secret URLs and credentials keep working
 * (a real curl, then dig against the built-in server); a dry run and a file with one broken
 * row in the middle change nothing; the JSON export moves everything (tokens as hashes) to a
 * second instance with the same pepper, and the hosts CSV brings records that dig serves.
 */
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const SFT_KEY = '?hostname=router.dyn.example.test&password=9d1c0f3e6a7b'
const SFT_KEY2 = 'host=nas.dyn.example.test,key=4bea92410b3146d0cfe'
const D53_TOKEN = 'kq3v6w2z9y8x7c5b4n1m0p'

const SFTDYN_CONF = `# sftdyn configuration (a Python file)
http = "8080"
CLIENTS = {
    # the router
    "${SFT_KEY}": "router.${ZONE}",
    '${SFT_KEY2}': 'nas.${ZONE}',  # single quotes work too
}
def get_ip(source_ip, headers, key):
    return source_ip
`

describe('dynzone import and export', () => {
  const dirA = mkdtempSync(join(tmpdir(), 'dynzone-import-a-'))
  const dirB = mkdtempSync(join(tmpdir(), 'dynzone-import-b-'))
  const servers: DynzoneProcess[] = []
  after(async () => {
    for (const s of servers) await s.stop()
    rmSync(dirA, { recursive: true, force: true })
    rmSync(dirB, { recursive: true, force: true })
  })
  const cli = (dir: string, ...args: string[]) => runInProcess([...args, ...ARGS], dir)
  const ok = async (dir: string, ...args: string[]): Promise<string> => {
    const r = await cli(dir, ...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const state = async (dir: string): Promise<string> =>
    (await ok(dir, 'host', 'list', '--json')) + (await ok(dir, 'token', 'list', '--json'))
  const serve = async (dir: string): Promise<{ http: string; dns: number }> => {
    const s = startDynzone(['serve', ...ARGS], dir)
    servers.push(s)
    const m = await s.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
    return { http: `http://127.0.0.1:${m[2] ?? ''}`, dns: Number(m[3]) }
  }

  it('refuses bad invocations with usage or not-found codes', async () => {
    await ok(dirA, 'user', 'add', 'alice')
    writeFileSync(join(dirA, 'clients.conf'), SFTDYN_CONF)
    const noUser = await cli(dirA, 'import', 'clients.conf', '--format', 'sftdyn')
    assert.deepEqual([noUser.code, noUser.stderr], [64, 'dynzone: --user is needed for sftdyn\n'])
    const badFormat = await cli(dirA, 'import', 'clients.conf', '--format', 'bind')
    assert.equal(badFormat.code, 64)
    assert.match(badFormat.stderr, /"bind" is not one of sftdyn, dyndns53, json, hosts-csv/)
    const missing = await cli(dirA, 'import', 'nope.csv', '--format', 'dyndns53', '--user', 'alice')
    assert.deepEqual(
      [missing.code, missing.stderr],
      [66, 'dynzone: cannot read nope.csv: ENOENT\n'],
    )
    const stranger = await cli(
      dirA,
      'import',
      'clients.conf',
      '--format',
      'sftdyn',
      '--user',
      'bob',
    )
    assert.equal(stranger.code, 65)
    assert.match(stranger.stderr, /line 5: user "bob" not found/)
  })

  it('an sftdyn dry run counts everything and changes nothing', async () => {
    const before = await state(dirA)
    const r = await cli(
      dirA,
      'import',
      'clients.conf',
      '--format',
      'sftdyn',
      '--user',
      'alice',
      '--dry-run',
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(
      r.stdout,
      'dry run, nothing changed; would import: 0 users, 0 groups, 2 hosts, 0 records, 2 tokens\n',
    )
    assert.equal(await state(dirA), before)
  })

  it('a dyndns53 CSV with one broken row in the middle imports nothing', async () => {
    const rows = [
      'hostname,token',
      `a1.${ZONE},${D53_TOKEN}a1`,
      `bad host!,x`,
      `a3.${ZONE},${D53_TOKEN}a3`,
    ]
    writeFileSync(join(dirA, 'broken.csv'), rows.join('\n'))
    const before = await state(dirA)
    const r = await cli(dirA, 'import', 'broken.csv', '--format', 'dyndns53', '--user', 'alice')
    assert.equal(r.code, 65)
    assert.match(r.stderr, /import refused, nothing changed \(1 problem\):\n {2}line 3: /)
    assert.equal(await state(dirA), before)
    // A host outside every served zone is caught by the database check, also all or nothing.
    writeFileSync(
      join(dirA, 'outside.csv'),
      `a1.${ZONE},${D53_TOKEN}a1\nx.example.org,${D53_TOKEN}x\n`,
    )
    const outside = await cli(
      dirA,
      'import',
      'outside.csv',
      '--format',
      'dyndns53',
      '--user',
      'alice',
    )
    assert.equal(outside.code, 65)
    assert.match(outside.stderr, /line 2: "x\.example\.org" is in none of the served zones/)
    assert.equal(await state(dirA), before)
  })

  it('imports sftdyn and dyndns53 secrets that keep working with the old URLs', async () => {
    const sft = await ok(dirA, 'import', 'clients.conf', '--format', 'sftdyn', '--user', 'alice')
    assert.equal(sft, 'imported: 0 users, 0 groups, 2 hosts, 0 records, 2 tokens\n')
    writeFileSync(join(dirA, 'dyndns53.csv'), `hostname,token\nd53.${ZONE},${D53_TOKEN}\n`)
    await ok(dirA, 'import', 'dyndns53.csv', '--format', 'dyndns53', '--user', 'alice')
    const again = await ok(
      dirA,
      'import',
      'dyndns53.csv',
      '--format',
      'dyndns53',
      '--user',
      'alice',
    )
    assert.match(again, /0 hosts \(1 already there\), 0 records, 0 tokens \(1 already there\)/)
    const listed = await ok(dirA, 'token', 'list', '--json')
    for (const secret of [SFT_KEY, SFT_KEY2, D53_TOKEN]) assert.ok(!listed.includes(secret))

    const { http, dns } = await serve(dirA)
    const r1 = await curl([`${http}/${SFT_KEY}`])
    assert.deepEqual([r1.status, r1.body], [200, 'OK'])
    const r2 = await curl([`${http}/${SFT_KEY2}`])
    assert.deepEqual([r2.status, r2.body], [200, 'OK'])
    const r3 = await curl(['-u', `d53.${ZONE}:${D53_TOKEN}`, `${http}/register_ip`])
    assert.equal(r3.status, 200)
    for (const label of ['router', 'nas', 'd53'])
      assert.deepEqual(await digShort('127.0.0.1', dns, `${label}.${ZONE}`), ['127.0.0.1'], label)
  })

  it('moves everything to a second instance through the JSON export', async () => {
    const exported = await ok(dirA, 'export', '--format', 'json')
    const doc = JSON.parse(exported) as { hosts: unknown[]; tokens: { hash: string }[] }
    assert.equal(doc.hosts.length, 3)
    assert.equal(doc.tokens.length, 3)
    for (const secret of [SFT_KEY, SFT_KEY2, D53_TOKEN]) assert.ok(!exported.includes(secret))
    writeFileSync(join(dirB, 'all.json'), exported)
    mkdirSync(join(dirB, 'data'))
    copyFileSync(join(dirA, 'data', 'pepper'), join(dirB, 'data', 'pepper'))
    const r = await ok(dirB, 'import', 'all.json', '--format', 'json')
    assert.equal(r, 'imported: 1 users, 0 groups, 3 hosts, 3 records, 3 tokens\n')
    const twice = await cli(dirB, 'import', 'all.json', '--format', 'json')
    assert.equal(twice.code, 65)
    assert.match(twice.stderr, /users\[0\]: user "alice" already exists/)
  })

  it('imports a hosts CSV with records, then serves them; the imported token updates', async () => {
    const csv = `fqdn,owner,ipv4,ipv6,dns_ttl,expiry_ttl\nweb.${ZONE},alice,192.0.2.80,2001:db8::80,300,0\n`
    writeFileSync(join(dirB, 'hosts.csv'), csv)
    const r = await ok(dirB, 'import', 'hosts.csv', '--format', 'hosts-csv')
    assert.equal(r, 'imported: 0 users, 0 groups, 1 hosts, 2 records, 0 tokens\n')
    const { http, dns } = await serve(dirB)
    assert.deepEqual(await digShort('127.0.0.1', dns, `web.${ZONE}`), ['192.0.2.80'])
    assert.deepEqual(await digShort('127.0.0.1', dns, `web.${ZONE}`, 'AAAA'), ['2001:db8::80'])
    assert.deepEqual(await digShort('127.0.0.1', dns, `router.${ZONE}`), ['127.0.0.1'])
    const u = await curl(['-u', `d53.${ZONE}:${D53_TOKEN}`, `${http}/register_ip`])
    assert.equal(u.status, 200)
    const exportCsv = await ok(dirB, 'export', '--format', 'hosts-csv')
    assert.match(
      exportCsv,
      new RegExp(
        `^web\\.${ZONE.replaceAll('.', '\\.')},alice,192\\.0\\.2\\.80,2001:db8::80,300,0$`,
        'm',
      ),
    )
  })

  it('prints no progress lines on a long import when stderr is not a terminal', async () => {
    const rows = ['hostname,token']
    for (let i = 0; i < 600; i++)
      rows.push(`bulk${String(i)}.${ZONE},bulk-secret-${String(i)}-0123456789`)
    writeFileSync(join(dirA, 'bulk.csv'), rows.join('\n'))
    const before = await state(dirA)
    const r = await cli(
      dirA,
      'import',
      'bulk.csv',
      '--format',
      'dyndns53',
      '--user',
      'alice',
      '--dry-run',
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.match(r.stdout, /would import: 0 users, 0 groups, 600 hosts, 0 records, 600 tokens/)
    assert.equal(await state(dirA), before)
  })
})
