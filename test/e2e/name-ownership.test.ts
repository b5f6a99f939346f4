/**
 * Names under another user's host, through every door that creates hosts: the real CLI,
 * the REST API over real HTTP (a user's and an administrator's token) and the import. bob
 * owns `bob1`: nobody else gets `sub.bob1`, `a.b.bob1` or `_acme-challenge.bob1`, nor a host
 * above carol's `x.carol`; bob himself may, and an administrator may only for bob. Each
 * refusal changes nothing.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const UNDER = ['sub.bob1', 'a.b.bob1', '_acme-challenge.bob1', 'carol']
const h = (label: string): string => `${label}.${ZONE}`

describe("no host at, below or above another user's host, by any door", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-names-'))
  let server: DynzoneProcess
  let http = ''
  const cli = (...args: string[]) => runDynzone([...args, ...ARGS], dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const hosts = async (): Promise<string[]> =>
    (JSON.parse(await ok('host', 'list', '--json')) as { fqdn: string }[]).map((x) => x.fqdn)
  const apiToken = async (user: string): Promise<string> =>
    (
      JSON.parse(await ok('token', 'create', '--user', user, '--scope', 'api', '--json')) as {
        secret: string
      }
    ).secret
  const createHost = (secret: string, body: unknown) =>
    curl([
      '-X',
      'POST',
      '-H',
      `Authorization: Bearer ${secret}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify(body),
      `${http}/api/v1/hosts`,
    ])

  before(async () => {
    for (const user of ['alice', 'bob', 'carol']) await ok('user', 'add', user)
    await ok('user', 'add', 'root', '--admin')
    await ok('host', 'add', h('bob1'), '--user', 'bob')
    await ok('host', 'add', h('x.carol'), '--user', 'carol')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
    http = `http://127.0.0.1:${m[2] ?? ''}`
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the CLI refuses them for alice (exit 73) and allows bob under his own host', async () => {
    const before = await hosts()
    for (const label of UNDER) {
      const r = await cli('host', 'add', h(label), '--user', 'alice')
      assert.equal(r.code, 73, `${label}: ${r.stderr}`)
      assert.match(r.stderr, /of another user/)
    }
    assert.deepEqual(await hosts(), before)
    await ok('host', 'add', h('sub.bob1'), '--user', 'bob')
    await ok('host', 'add', h('bob10'), '--user', 'alice')
  })

  it('the API refuses them to a user and to an administrator acting for one', async () => {
    const before = await hosts()
    const alice = await apiToken('alice')
    const root = await apiToken('root')
    for (const label of ['a.b.bob1', '_acme-challenge.bob1', 'carol']) {
      const mine = await createHost(alice, { fqdn: h(label) })
      assert.equal(mine.status, 409, `${label}: ${mine.body}`)
      const admin = await createHost(root, { fqdn: h(label), owner: 'alice' })
      assert.equal(admin.status, 409, `admin, ${label}: ${admin.body}`)
    }
    assert.deepEqual(await hosts(), before)
    const forOwner = await createHost(root, { fqdn: h('a.b.bob1'), owner: 'bob' })
    assert.equal(forOwner.status, 201, forOwner.body)
  })

  it('the import refuses a file with such a host and writes nothing of it', async () => {
    const before = await hosts()
    const file = join(dir, 'hosts.csv')
    writeFileSync(file, `fqdn,owner\n${h('fine')},alice\n${h('deep.sub.bob1')},alice\n`)
    const r = await cli('import', file, '--format', 'hosts-csv')
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /deep\.sub\.bob1.*belongs to host ".*bob1\./)
    assert.deepEqual(await hosts(), before)
    // Two rows of one file that would share a branch under two owners: refused too.
    writeFileSync(file, `fqdn,owner\n${h('new')},alice\n${h('x.new')},bob\n`)
    assert.notEqual((await cli('import', file, '--format', 'hosts-csv')).code, 0)
    assert.deepEqual(await hosts(), before)
  })
})
