/**
 * One casing for every JSON dynzone prints: the CLI's `--json` output and the REST API's
 * answers use camelCase keys, and the same resource has the same shape in both. The `--json`
 * commands are found by walking `dynzone --help`, so a new one fails here until it is run
 * below; the API's answers are walked from its own OpenAPI document (every GET is called)
 * and every response schema in that document is checked too.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startApiFixture, ZONE, type ApiFixture } from '../fakes/api-server.ts'
import { SqlFailureHistory } from '../../src/store/failure-history.ts'
import { SqlLockoutStore } from '../../src/store/lockout-store.ts'
import { runInProcess } from '../helpers/dynzone-cli.ts'

const HOST = `home.${ZONE}`
const CAMEL = /^[a-z][a-zA-Z0-9]*$/

// Every `--json` command and how to run it against the fixture's data.
const RUNS: Record<string, readonly string[]> = {
  'user list': ['user', 'list'],
  'host list': ['host', 'list'],
  'group list': ['group', 'list'],
  'token create': ['token', 'create', '--user', 'alice', '--host', HOST, '--expires', '30d'],
  'token list': ['token', 'list'],
  'zone list': ['zone', 'list'],
  'record list': ['record', 'list', ZONE],
  'lockout list': ['lockout', 'list', '--all'],
  history: ['history', HOST],
  audit: ['audit'],
}

/** Every key of every object in `value` that is not camelCase, with its path. */
function badKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => badKeys(v, `${path}[${String(i)}]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => [
    ...(CAMEL.test(k) ? [] : [`${path}.${k}`]),
    ...badKeys(v, `${path}.${k}`),
  ])
}

/** The property names declared by every JSON schema under `node`, with their paths. */
function schemaKeys(node: unknown, path: string): string[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => schemaKeys(v, `${path}/${String(i)}`))
  if (typeof node !== 'object' || node === null) return []
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    k === 'properties' && typeof v === 'object' && v !== null
      ? Object.entries(v as Record<string, unknown>).flatMap(([name, s]) => [
          ...(CAMEL.test(name) ? [] : [`${path}/${name}`]),
          ...schemaKeys(s, `${path}/${name}`),
        ])
      : schemaKeys(v, `${path}/${k}`),
  )
}

describe('JSON shapes: camelCase keys in every CLI --json output and API answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-shapes-'))
  const config = join(dir, 'dynzone.toml')
  let api: ApiFixture
  let admin = ''

  const cli = async (args: readonly string[]) => {
    const r = await runInProcess(['-c', config, ...args], dir)
    return { code: r.code, out: r.stdout, err: r.stderr }
  }

  // The commands whose help lists `--json`, found by walking the help of every command.
  const jsonCommands = async (path: readonly string[] = []): Promise<string[]> => {
    const help = (await cli([...path, '--help'])).out
    const own = /^\s+--json\b/m.test(help) ? [path.join(' ')] : []
    const section = help.split(/^Commands:$/m)[1] ?? ''
    const names = [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
      .map((m) => m[1] ?? '')
      .filter((n) => n !== 'help')
    const nested = await Promise.all(names.map((n) => jsonCommands([...path, n])))
    return [...own, ...nested.flat()]
  }

  before(async () => {
    api = await startApiFixture()
    const dataDir = api.context.config.data_dir
    writeFileSync(
      config,
      `data_dir = "${dataDir}"\n[[zones]]\nname = "${ZONE}"\n[[zones]]\nname = "other.example"\n` +
        `[update]\naddress_policy_public = ["other.example"]\n`,
    )
    await api.user('alice', { admin: true })
    admin = await api.token('alice')
    const created = await api.call('POST', '/hosts', { token: admin, body: { fqdn: HOST } })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const put = await api.call('PUT', `/hosts/${HOST}/records`, {
      token: admin,
      body: { A: '192.0.2.1', TXT: 'acme-challenge-value-0123456789abcdef' },
    })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    await new SqlFailureHistory(api.context.db, (e) => {
      throw e
    }).record(
      [
        {
          hostname: HOST,
          result: 'badauth',
          message: 'wrong password',
          dialect: 'dyndns2',
          clientIp: '192.0.2.9',
          actor: 'alice',
        },
      ],
      new Date().toISOString(),
    )
    await new SqlLockoutStore(api.context.db).save({
      subject: 'user:alice',
      source: '192.0.2.9',
      failures: 5,
      level: 1,
      lockedUntil: new Date(Date.now() + 60_000).toISOString(),
      lastFailureAt: new Date().toISOString(),
    })
    for (const args of [
      ['group', 'add', 'lan', '--user', 'alice', '--prefix-length', '64'],
      ['group', 'join', 'lan', HOST, '--iid', '::1:2'],
      ['record', 'add', `www.${ZONE}`, 'CNAME', HOST, '--ttl', '300'],
    ]) {
      const r = await cli(args)
      assert.equal(r.code, 0, r.err)
    }
  })
  after(async () => {
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('finds every --json command and prints camelCase keys from each', async () => {
    assert.deepEqual(
      (await jsonCommands()).sort(),
      Object.keys(RUNS).sort(),
      'a command with --json: add it to RUNS',
    )
    for (const [name, args] of Object.entries(RUNS)) {
      const r = await cli([...args, '--json'])
      assert.equal(r.code, 0, `${name}: ${r.err}`)
      const value = JSON.parse(r.out) as unknown
      assert.ok(!Array.isArray(value) || value.length > 0, `${name}: nothing listed to check`)
      assert.deepEqual(badKeys(value), [], `${name} --json`)
    }
  })

  it('prints each resource with the fields the API answers, under the same names', async () => {
    const same = async (args: readonly string[], path: string) => {
      const printed = JSON.parse((await cli([...args, '--json'])).out) as unknown
      const answered = (await api.call('GET', path, { token: admin })).body as { items: unknown }
      assert.deepEqual(printed, answered.items, args.join(' '))
    }
    await same(['user', 'list'], '/users')
    await same(['host', 'list'], '/hosts')
    await same(['zone', 'list'], '/zones')
    await same(['lockout', 'list', '--all'], '/lockouts')
    await same(['history', HOST], `/hosts/${HOST}/history`)
    await same(['audit'], '/audit')
    const tokens = JSON.parse((await cli(['token', 'list', '--json'])).out) as unknown[]
    const answered = (await api.call('GET', '/tokens', { token: admin })).body as {
      items: unknown[]
    }
    // The API's list leaves out nothing the CLI shows (lastUsedAt moves as the API is called).
    assert.deepEqual(
      tokens.map((t) => Object.keys(t as object)),
      answered.items.map((t) => Object.keys(t as object)),
    )
  })

  it('shows refused updates with their reason in dynzone history, as JSON and as text', async () => {
    const rows = JSON.parse((await cli(['history', HOST, '--json'])).out) as {
      result: string
      refused: boolean
      reason: string | null
    }[]
    const [refused, ...changes] = rows.map((r) => [r.result, r.refused, r.reason])
    assert.deepEqual(refused, ['badauth', true, 'wrong password'])
    assert.ok(changes.length > 0)
    for (const c of changes) assert.deepEqual(c, ['good', false, null])
    const table = (await cli(['history', HOST])).out.split('\n')
    assert.match(table[0] ?? '', /^AT +RESULT +OLD +NEW +CLIENT +DIALECT +ACTOR +REASON$/)
    assert.match(table[1] ?? '', /badauth +- +- +192\.0\.2\.9 +dyndns2 +alice +wrong password$/)
  })

  it('answers camelCase from every GET of the API, and documents only camelCase', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: unknown }>>
    }
    assert.deepEqual(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.entries(ops).flatMap(([m, op]) => schemaKeys(op.responses, `${m} ${p}`)),
      ),
      [],
    )
    // A static record, so the zone's record listing has keys to check.
    const mx = await api.call('POST', `/zones/${ZONE}/records`, {
      token: admin,
      body: { name: `mail.${ZONE}`, type: 'MX', value: `10 mx.${ZONE}`, ttl: 300 },
    })
    assert.equal(mx.status, 201, JSON.stringify(mx.body))
    const gets = Object.entries(doc.paths).filter(([, ops]) => 'get' in ops)
    assert.ok(gets.length >= 8)
    for (const [path] of gets) {
      const concrete = path
        .replace(/^\/api\/v1/, '')
        .replace('{fqdn}', HOST)
        .replace('{name}', 'alice')
        .replace('{zone}', ZONE)
      const r = await api.call('GET', concrete, { token: admin })
      assert.equal(r.status, 200, `${concrete}: ${JSON.stringify(r.body)}`)
      if (concrete === '/openapi.json') continue
      assert.deepEqual(badKeys(r.body), [], `GET ${concrete}`)
    }
  })
})
