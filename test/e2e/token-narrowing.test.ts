/**
 * A token can only mint a narrower token, and its limits hold on every path that accepts it,
 * over real HTTP: tokens made with the real CLI, a real `dynzone serve`, a real `curl` from
 * 127.0.0.1. acme-dns `/register` refuses a token outside its source ranges, one limited to
 * type A, and one naming a host outside its list; a token it accepts passes its ranges and
 * expiry on. The REST API holds a bearer token to its ranges, and creates tokens (and
 * passwords) only inside its limits.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const HERE = ['--from', '127.0.0.0/8']

interface ListedToken {
  readonly id: number
  readonly label: string
  readonly scope: string
  readonly sources: string[] | null
  readonly expiresAt: string | null
}

describe('tokens mint only narrower tokens; their limits hold on every path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-narrow-'))
  let server: DynzoneProcess
  let http = ''
  const cli = async (...args: string[]): Promise<string> => {
    const r = await runInProcess([...args, ...ARGS], dir)
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const token = async (...limits: string[]): Promise<string> =>
    (
      JSON.parse(await cli('token', 'create', '--user', 'alice', '--json', ...limits)) as {
        secret: string
      }
    ).secret
  const h = (label: string): string => `${label}.${ZONE}`
  const tokens = async (): Promise<ListedToken[]> =>
    JSON.parse(await cli('token', 'list', '--json')) as ListedToken[]
  const register = (secret: string, host: string) =>
    curl(['-u', `alice:${secret}`, '-X', 'POST', `${http}/register?host=${host}`])
  const api = (secret: string, method: string, path: string, body?: unknown) =>
    curl([
      '-X',
      method,
      '-H',
      `Authorization: Bearer ${secret}`,
      ...(body === undefined
        ? []
        : ['-H', 'Content-Type: application/json', '--data', JSON.stringify(body)]),
      `${http}/api/v1${path}`,
    ])

  before(async () => {
    await cli('user', 'add', 'alice')
    for (const label of ['one', 'two', 'three'])
      await cli('host', 'add', h(label), '--user', 'alice')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/, 90_000)
    http = `http://127.0.0.1:${m[2] ?? ''}`
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('/register refuses a token used outside its source ranges, minting nothing', async () => {
    const before = (await tokens()).length
    const t = await token('--host', h('one'), '--type', 'A', '--from', '198.51.100.0/24')
    const r = await register(t, h('one'))
    assert.deepEqual([r.status, JSON.parse(r.body)], [401, { error: 'forbidden' }])
    assert.equal((await tokens()).length, before + 1, 'only the token made above')
  })

  it('/register refuses a type-A token (an ACME token writes TXT)', async () => {
    const t = await token('--host', h('one'), '--type', 'A', ...HERE)
    const r = await register(t, h('one'))
    assert.equal(r.status, 403, r.body)
    assert.match(r.body, /TXT is outside this token's limits/)
  })

  it('/register refuses a host outside a two-host token, even of the same user', async () => {
    const t = await token('--host', h('one'), '--host', h('two'))
    const third = await register(t, h('three'))
    assert.equal(third.status, 403, third.body)
    assert.match(third.body, /among this token's hosts/)
    assert.equal((await register(t, h('two'))).status, 201)
  })

  it('an ACME token minted by /register inherits the source ranges and expiry', async () => {
    const t = await token('--host', h('one'), ...HERE, '--expires', '30d')
    const parent = (await tokens()).at(-1)
    const r = await register(t, h('one'))
    assert.equal(r.status, 201, r.body)
    const account = JSON.parse(r.body) as { password: string; allowfrom: string[] }
    assert.deepEqual(account.allowfrom, ['127.0.0.0/8'])
    const minted = (await tokens()).at(-1)
    assert.deepEqual(
      [minted?.label, minted?.scope, minted?.sources, minted?.expiresAt],
      ['acme-dns', 'acme', ['127.0.0.0/8'], parent?.expiresAt],
    )
  })

  it('the API refuses a bearer token outside its ranges', async () => {
    const far = await token('--scope', 'api', '--from', '192.0.2.0/24')
    const r = await api(far, 'GET', '/hosts')
    assert.equal(r.status, 401, r.body)
    const near = await token('--scope', 'api', ...HERE)
    assert.equal((await api(near, 'GET', '/hosts')).status, 200)
  })

  it('the API creates tokens only inside the bearer token’s limits', async () => {
    const parent = await token('--scope', 'api', ...HERE, '--expires', '30d')
    const until = (await tokens()).at(-1)?.expiresAt ?? ''
    const later = new Date(Date.parse(until) + 86_400_000).toISOString()
    const count = (await tokens()).length
    const one = { scope: 'address', host: h('one') }
    const refused: [string, unknown][] = [
      ['no source limit', { ...one, expiresAt: until }],
      ['a wider range', { ...one, sources: ['0.0.0.0/0'], expiresAt: until }],
      ['a range elsewhere', { ...one, sources: ['198.51.100.0/24'], expiresAt: until }],
      ['no expiry', { ...one, sources: ['127.0.0.1'] }],
      ['a later expiry', { ...one, sources: ['127.0.0.1'], expiresAt: later }],
    ]
    for (const [what, body] of refused) {
      const r = await api(parent, 'POST', '/tokens', body)
      assert.equal(r.status, 403, `${what}: ${r.body}`)
    }
    assert.equal((await tokens()).length, count, 'nothing minted')
    const fine = await api(parent, 'POST', '/tokens', {
      ...one,
      sources: ['127.0.0.1/32'],
      expiresAt: until,
    })
    assert.equal(fine.status, 201, fine.body)
    // A password has no limits: a limited token cannot set one for a token-only account.
    const pw = await api(parent, 'PATCH', '/users/alice', { password: 'a long new password' })
    assert.equal(pw.status, 403, pw.body)
  })
})
