/**
 * The `dynzone` command line, run as a real process: every command's success path, its
 * `--json` output, and bad input — a precise message, the documented exit code, and nothing
 * changed in the database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { runDynzone } from '../helpers/dynzone-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'dynzone-cli-'))
const cli = (args: string[], stdin?: string) =>
  runInProcess(args, dir, stdin === undefined ? {} : { stdin })

async function json<T>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json'])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as T
}

describe('dynzone CLI', () => {
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  // The real program, spawned: its help, and the exit code of a refused command line.
  it('prints help for the program and for a group', async () => {
    const top = await runDynzone(['--help'], dir)
    assert.equal(top.code, 0)
    for (const command of ['serve', 'user', 'host', 'token', 'db'])
      assert.match(top.stdout, new RegExp(`\\b${command}\\b`))
    const user = await runDynzone(['user', '--help'], dir)
    assert.equal(user.code, 0)
    assert.match(user.stdout, /add .*<name>/)
  })

  it('refuses an unknown command with the usage exit code', async () => {
    const r = await runDynzone(['frobnicate'], dir)
    assert.equal(r.code, 64)
    assert.match(r.stderr, /unknown command 'frobnicate'/)
  })

  it('migrates the database', async () => {
    const r = await cli(['db', 'migrate'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /latest schema/)
  })

  it('adds, lists and refuses duplicate or invalid users', async () => {
    const added = await cli(
      ['user', 'add', 'alice', '--password-stdin', '--email', 'alice@example.com'],
      'correct horse battery\n',
    )
    assert.equal(added.code, 0, added.stderr)
    assert.equal(added.stdout, 'created user alice\n')
    const tokenOnly = await cli(['user', 'add', 'bob'])
    assert.equal(tokenOnly.code, 0, tokenOnly.stderr)
    assert.match(tokenOnly.stdout, /token-only/)

    const dup = await cli(['user', 'add', 'alice'])
    assert.equal(dup.code, 73)
    assert.equal(dup.stderr, 'dynzone: user "alice" already exists\n')
    const bad = await cli(['user', 'add', 'bad name!'])
    assert.equal(bad.code, 65)
    assert.match(bad.stderr, /invalid user name "bad name!"/)
    const short = await cli(['user', 'add', 'carol', '--password-stdin'], 'short\n')
    assert.equal(short.code, 65)
    assert.match(short.stderr, /at least 8 characters/)
    const missing = await cli(['user', 'add', 'dave', '--password-stdin'])
    assert.equal(missing.code, 65)

    const users = await json<{ name: string; email: string | null; hasPassword: boolean }[]>([
      'user',
      'list',
    ])
    assert.deepEqual(
      users.map((u) => [u.name, u.email, u.hasPassword]),
      [
        ['alice', 'alice@example.com', true],
        ['bob', null, false],
      ],
    )
    const table = await cli(['user', 'list'])
    assert.match(table.stdout, /^NAME\s+EMAIL\s+ADMIN\s+PASSWORD\s+CREATED\n/)
  })

  it('changes a password from standard input', async () => {
    const r = await cli(['user', 'passwd', 'bob'], 'another long password\n')
    assert.equal(r.code, 0, r.stderr)
    const users = await json<{ name: string; hasPassword: boolean }[]>(['user', 'list'])
    assert.equal(users.find((u) => u.name === 'bob')?.hasPassword, true)
    const none = await cli(['user', 'passwd', 'nobody'], 'another long password\n')
    assert.equal(none.code, 66)
    assert.equal(none.stderr, 'dynzone: user "nobody" not found\n')
  })

  it('adds hosts inside served zones only, in any IDN form', async () => {
    const r = await cli(['host', 'add', 'Home.DYN.example.test.', '--user', 'alice', '--ttl', '30'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'added host home.dyn.example.test (owner alice)\n')
    const idn = await cli(['host', 'add', 'bücher.dyn.example.test', '--user', 'bob'])
    assert.equal(idn.code, 0, idn.stderr)
    assert.match(idn.stdout, /xn--bcher-kva\.dyn\.example\.test/)

    const cases: [string[], number, RegExp][] = [
      [
        ['host', 'add', 'home.other.example', '--user', 'alice'],
        65,
        /in none of the served zones \(dyn\.example\.test\)/,
      ],
      [['host', 'add', 'bad..name.dyn.example.test', '--user', 'alice'], 65, /invalid label/],
      [['host', 'add', 'x.dyn.example.test', '--user', 'nobody'], 66, /user "nobody" not found/],
      [['host', 'add', 'xn--bcher-kva.dyn.example.test', '--user', 'alice'], 73, /already exists/],
      [
        ['host', 'add', 'y.dyn.example.test', '--user', 'alice', '--ttl', 'abc'],
        65,
        /--ttl: "abc" is not a whole number/,
      ],
      [['host', 'add', 'y.dyn.example.test', '--user', 'alice', '--ttl', '0'], 65, /TTL must be/],
      [['host', 'add', 'y.dyn.example.test'], 64, /required option '--user <name>'/],
    ]
    for (const [args, code, message] of cases) {
      const bad = await cli(args)
      assert.equal(bad.code, code, `${args.join(' ')}: ${bad.stderr}`)
      assert.match(bad.stderr, message)
    }
    const hosts = await json<{ fqdn: string; owner: string; dnsTtl: number | null }[]>([
      'host',
      'list',
    ])
    assert.deepEqual(
      hosts.map((h) => [h.fqdn, h.owner, h.dnsTtl]),
      [
        ['home.dyn.example.test', 'alice', 30],
        ['xn--bcher-kva.dyn.example.test', 'bob', null],
      ],
    )
    const mine = await json<{ fqdn: string }[]>(['host', 'list', '--user', 'bob'])
    assert.deepEqual(
      mine.map((h) => h.fqdn),
      ['xn--bcher-kva.dyn.example.test'],
    )
  })

  it('creates tokens shown once, lists them without secrets, and revokes them', async () => {
    const { token: made, secret } = await json<{
      token: { id: number; host: string | null }
      secret: string
    }>([
      'token',
      'create',
      '--user',
      'alice',
      '--host',
      'home.dyn.example.test',
      '--label',
      'router',
    ])
    assert.match(secret, /^[a-z2-7]{32}$/)
    assert.equal(made.host, 'home.dyn.example.test')
    const plain = await cli(['token', 'create', '--user', 'bob', '--expires', '2099-01-31'])
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stdout, /^token \d+ for bob:\n[a-z2-7]{32}\nStore it now/)

    const bad: [string[], number, RegExp][] = [
      [
        ['token', 'create', '--user', 'bob', '--host', 'home.dyn.example.test'],
        65,
        /belongs to another user/,
      ],
      [['token', 'create', '--user', 'nobody'], 66, /user "nobody" not found/],
      [
        ['token', 'create', '--user', 'bob', '--expires', 'someday'],
        65,
        /--expires: "someday" is not a date/,
      ],
      [['token', 'revoke', 'abc'], 65, /is not a token id/],
      [['token', 'revoke', '999'], 66, /token "999" not found/],
    ]
    for (const [args, code, message] of bad) {
      const r = await cli(args)
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
    }

    const list = await cli(['token', 'list', '--json'])
    assert.equal(list.code, 0)
    assert.ok(!list.stdout.includes(secret), 'token list must not show secrets')
    const tokens = JSON.parse(list.stdout) as {
      id: number
      owner: string
      label: string
      expiresAt: string | null
    }[]
    assert.deepEqual(
      tokens.map((t) => [t.owner, t.label]),
      [
        ['alice', 'router'],
        ['bob', ''],
      ],
    )
    assert.equal(tokens[1]?.expiresAt, '2099-01-31T00:00:00.000Z')

    const revoked = await cli(['token', 'revoke', String(made.id)])
    assert.equal(revoked.code, 0, revoked.stderr)
    const after = await json<{ id: number }[]>(['token', 'list', '--user', 'alice'])
    assert.deepEqual(after, [])
  })

  it('deletes hosts and users with everything they own', async () => {
    const gone = await cli(['host', 'delete', 'nothere.dyn.example.test'])
    assert.equal(gone.code, 66)
    const r = await cli(['host', 'delete', 'home.dyn.example.test'])
    assert.equal(r.code, 0, r.stderr)
    const del = await cli(['user', 'delete', 'bob'])
    assert.equal(del.code, 0, del.stderr)
    assert.deepEqual(await json<unknown[]>(['host', 'list']), [])
    assert.deepEqual(await json<unknown[]>(['token', 'list']), [])
    const users = await json<{ name: string }[]>(['user', 'list'])
    assert.deepEqual(
      users.map((u) => u.name),
      ['alice'],
    )
  })

  it('reports every configuration problem with its key and file, exit 78, and changes nothing', async () => {
    const file = join(dir, 'bad.toml')
    writeFileSync(file, '[http]\nport = "abc"\nprot = 1\n[[zones]]\nname = "bad..zone"\n')
    const r = await cli(['--config', file, 'user', 'add', 'eve'])
    assert.equal(r.code, 78)
    assert.match(r.stderr, /bad\.toml: http\.port: expected an integer from 0 to 65535, got "abc"/)
    assert.match(r.stderr, /bad\.toml: unknown key "http\.prot"/)
    assert.match(r.stderr, /bad\.toml: zones\[0\]\.name: invalid label ""/)
    const users = await json<{ name: string }[]>(['user', 'list'])
    assert.deepEqual(
      users.map((u) => u.name),
      ['alice'],
    )
    const env = await runInProcess(['user', 'list'], dir, { env: { DYNZONE_HTTP_PORT: 'x' } })
    assert.equal(env.code, 78)
    assert.match(env.stderr, /environment variable DYNZONE_HTTP_PORT: http\.port/)
  })
})
