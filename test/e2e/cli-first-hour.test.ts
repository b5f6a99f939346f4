/**
 * The first hour of an operator, as real processes: a config file used from another folder
 * opens the database next to it, `init` writes no demo, zones dropped from the config are
 * shown as unserved and get no new hosts, and `zone forget` removes one.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone } from '../helpers/dynzone-process.ts'
import { curl } from '../helpers/tools.ts'

const ZONE = 'dyn.example.com'
const PORTS = ['--set', 'http.port=0', '--set', 'dns.port=0']

async function userNames(cwd: string, ...args: string[]): Promise<string[]> {
  const r = await runInProcess([...args, 'user', 'list', '--json'], cwd)
  assert.equal(r.code, 0, r.stderr)
  return (JSON.parse(r.stdout) as { name: string }[]).map((u) => u.name)
}

describe('a config file used from another folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'dynzone-first-hour-'))
  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('opens the database next to the file, whatever the working directory', async () => {
    const etc = join(root, 'etc')
    const elsewhere = join(root, 'elsewhere')
    mkdirSync(etc)
    mkdirSync(elsewhere)
    const config = join(etc, 'dynzone.toml')
    writeFileSync(config, `data_dir = "./data"\n[[zones]]\nname = "${ZONE}"\n`)
    const added = await runInProcess(['-c', 'dynzone.toml', 'user', 'add', 'alice'], etc)
    assert.equal(added.code, 0, added.stderr)
    const listed = await runInProcess(['-c', config, 'user', 'list', '--json'], elsewhere)
    assert.equal(listed.code, 0, listed.stderr)
    const users = JSON.parse(listed.stdout) as { name: string }[]
    assert.deepEqual(
      users.map((u) => u.name),
      ['alice'],
    )
    assert.ok(existsSync(join(etc, 'data', 'dynzone.sqlite')))
    assert.ok(!existsSync(join(elsewhere, 'data')), 'a second database was created')
  })
})

describe('the demo belongs to the embedded defaults', () => {
  const root = mkdtempSync(join(tmpdir(), 'dynzone-demo-'))
  after(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('is not created on a config written by init (init, then start)', async () => {
    const etc = join(root, 'etc')
    mkdirSync(etc)
    const init = await runInProcess(['init', join(etc, 'dynzone.toml')], root)
    assert.equal(init.code, 0, init.stderr)
    const server = startDynzone(['serve', '-c', join(etc, 'dynzone.toml'), ...PORTS], root)
    try {
      await server.waitFor(/Web UI:\s+http:\/\/127\.0\.0\.1:\d+\/login$/m)
      assert.doesNotMatch(server.stdout(), /Created demo user/)
    } finally {
      assert.equal(await server.stop(), 0)
    }
    assert.deepEqual(await userNames(root, '-c', join(etc, 'dynzone.toml')), [])
  })

  it('is not created, and a leftover one is named, once a config names zones', async () => {
    const dir = join(root, 'second-start')
    mkdirSync(dir)
    const first = startDynzone(['serve', ...PORTS], dir)
    try {
      await first.waitFor(/Created demo user/)
    } finally {
      assert.equal(await first.stop(), 0)
    }
    // Zones named, demo.enabled left at its default (true): still no demo.
    writeFileSync(join(dir, 'dynzone.toml'), `[[zones]]\nname = "${ZONE}"\n`)
    const second = startDynzone(['serve', ...PORTS], dir)
    try {
      await second.waitFor(/user \\"demo\\" from an earlier start on the embedded defaults remains/)
      await second.waitFor(/Web UI:\s+\S+\/login$/m)
      assert.doesNotMatch(second.stdout(), /Created demo user|Demo host/)
    } finally {
      assert.equal(await second.stop(), 0)
    }
    assert.deepEqual(await userNames(dir), ['demo'])
  })
})

describe('zones no longer in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-unserved-'))
  const config = join(dir, 'dynzone.toml')
  const GONE = 'gone.example.com'
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const cli = (...args: string[]) => runInProcess(['-c', config, ...args], dir)
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const zones = async () =>
    (JSON.parse(await ok('zone', 'list', '--json')) as { name: string; served: boolean }[]).map(
      (z) => [z.name, z.served],
    )

  it('are listed as unserved, get no new hosts, and are forgotten on request', async () => {
    writeFileSync(config, `[[zones]]\nname = "${ZONE}"\n[[zones]]\nname = "${GONE}"\n`)
    await ok('user', 'add', 'alice')
    await ok('host', 'add', `home.${GONE}`, '--user', 'alice')
    const token = (await ok('token', 'create', '--user', 'alice')).split('\n')[1] ?? ''
    writeFileSync(config, `[[zones]]\nname = "${ZONE}"\n`)

    // Updates of its hosts answer nohost: the update path knows only served zones.
    const server = startDynzone(['serve', '-c', config, ...PORTS], dir)
    try {
      const web = await server.waitFor(/Web UI:\s+(http:\/\/[^/\s]+)\/login/)
      const url = `${web[1] ?? ''}/nic/update?hostname=home.${GONE}&myip=203.0.113.9`
      const r = await curl(['-u', `alice:${token}`, url])
      assert.equal(r.body, 'nohost')
    } finally {
      assert.equal(await server.stop(), 0)
    }
    assert.deepEqual(await zones(), [
      [ZONE, true],
      [GONE, false],
    ])
    const text = await ok('zone', 'list')
    assert.match(text, new RegExp(`${GONE.replace(/\./g, '\\.')}\\s+false`))

    const added = await cli('host', 'add', `office.${GONE}`, '--user', 'alice')
    assert.equal(added.code, 65)
    assert.match(added.stderr, new RegExp(`is in none of the served zones \\(${ZONE}\\)`))

    // Import is a door too: refused, all or nothing.
    writeFileSync(join(dir, 'gone.csv'), `hostname,token\nnew.${GONE},kq3v6w2z9y8x7c5b4n1m0pq\n`)
    const imported = await cli('import', 'gone.csv', '--format', 'dyndns53', '--user', 'alice')
    assert.equal(imported.code, 65, imported.stderr)
    assert.match(imported.stderr, new RegExp(`is in none of the served zones \\(${ZONE}\\)`))

    for (const [args, code, message] of [
      [['zone', 'forget', GONE], 65, /still has 1 hosts; delete them first or add --with-hosts/],
      [['zone', 'forget', ZONE, '--with-hosts'], 65, /is served \(named in the config\)/],
      [['zone', 'forget', 'nope.example.com'], 66, /zone nope\.example\.com not found/],
      [['zone', 'forget', 'bad..name'], 65, /bad\.\.name/],
    ] as const) {
      const r = await cli(...args)
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
    }
    assert.equal((await zones()).length, 2, 'a refused forget changed nothing')

    assert.equal(
      await ok('zone', 'forget', GONE, '--with-hosts'),
      `forgot zone ${GONE} (1 hosts deleted)\n`,
    )
    assert.deepEqual(await zones(), [[ZONE, true]])
    const hosts = JSON.parse(await ok('host', 'list', '--json')) as unknown[]
    assert.deepEqual(hosts, [])
  })
})

describe('nested zones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-nested-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('get a warning at start naming both zones', async () => {
    const config = join(dir, 'dynzone.toml')
    writeFileSync(config, `[[zones]]\nname = "${ZONE}"\n[[zones]]\nname = "home.${ZONE}"\n`)
    const server = startDynzone(['serve', '-c', config, ...PORTS], dir)
    try {
      const line = await server.waitFor(/^.*"level":40.*is inside zone.*$/m)
      const entry = JSON.parse(line[0]) as { zone: string; outer: string; msg: string }
      assert.equal(entry.zone, `home.${ZONE}`)
      assert.equal(entry.outer, ZONE)
      assert.match(
        entry.msg,
        new RegExp(`zone home\\.${ZONE.replace(/\./g, '\\.')} is inside zone`),
      )
    } finally {
      assert.equal(await server.stop(), 0)
    }
  })
})
