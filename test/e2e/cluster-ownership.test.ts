/**
 * Two dynzone clusters (two SQLite databases) pointed at the same BIND zone: the first
 * publishes it and marks it as its own (TXT at `_dynzone-owner.<zone>`); the second, started
 * on a database that knows the same host names but none of their addresses, must not repair
 * the first one's records away. It reports the zone failing (log, /readyz, `zone list`) and
 * pushes nothing until `dynzone zone claim --force`. Once it claimed the zone, the first
 * cluster's next push is refused by BIND itself (the marker is a prerequisite of every
 * UPDATE). And a cluster on an empty database, pointed at a zone of 150 records another
 * cluster publishes, deletes none of them, not even once its operator adds the same hosts.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind, type BindServer } from '../helpers/bind.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
/** The zone of the empty-database case: 150 hosts, each with an A record. */
const BIG = 'big.example.test'
const BIG_HOSTS = Array.from({ length: 150 }, (_, i) => `host${String(i)}.${BIG}`)
const KEY = {
  name: 'dynzone',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 7).toString('base64'),
}
const ARGS = ['serve', '--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const PASSWORD = 'correct horse battery\n'

/** A cluster's directory with its config (its own SQLite database) for `zone` on BIND. */
function clusterDir(root: string, name: string, bind: BindServer, zone = ZONE): string {
  const dir = join(root, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'dynzone.key'),
    `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    { mode: 0o600 },
  )
  writeFileSync(
    join(dir, 'dynzone.toml'),
    [
      `data_dir = "${join(dir, 'data')}"`,
      '[demo]',
      'enabled = false',
      '[[zones]]',
      `name = "${zone}"`,
      'backend = "rfc2136"',
      '[zones.rfc2136]',
      'server = "127.0.0.1"',
      `port = ${String(bind.port)}`,
      `key_file = "${join(dir, 'dynzone.key')}"`,
      '',
    ].join('\n'),
  )
  return dir
}

/** A cluster on the shared BIND zone whose database knows hosts h1–h3, without addresses. */
async function cluster(root: string, name: string, bind: BindServer): Promise<string> {
  const dir = clusterDir(root, name, bind)
  const user = await runDynzone(['user', 'add', 'alice', '--password-stdin'], dir, {
    stdin: PASSWORD,
  })
  assert.equal(user.code, 0, user.stderr)
  for (const host of ['h1', 'h2', 'h3']) {
    const added = await runDynzone(['host', 'add', `${host}.${ZONE}`, '--user', 'alice'], dir)
    assert.equal(added.code, 0, added.stderr)
  }
  return dir
}

async function serve(dir: string): Promise<{ proc: DynzoneProcess; http: string }> {
  const proc = startDynzone(ARGS, dir)
  const listening = await proc.waitFor(/HTTP on (\S+?:\d+)/, 60_000)
  return { proc, http: `http://${listening[1] ?? ''}` }
}

const update = (http: string, host: string, ip: string): Promise<{ body: string }> =>
  curl(['-u', `alice:${PASSWORD.trim()}`, `${http}/nic/update?hostname=${host}.${ZONE}&myip=${ip}`])

/** This instance's `dynzone_publisher_lease_held` line for the zone. */
async function leaseGauge(http: string): Promise<string> {
  const metrics = await curl([`${http}/metrics`])
  const line = metrics.body.split('\n').find((l) => l.startsWith('dynzone_publisher_lease_held{'))
  assert.ok(line?.includes(`zone="${ZONE}"`), metrics.body.slice(0, 500))
  return line ?? ''
}

describe('two clusters on one zone', () => {
  const root = mkdtempSync(join(tmpdir(), 'dynzone-clusters-'))
  let bind: BindServer
  const running: DynzoneProcess[] = []
  const dig = (name: string, type = 'A'): Promise<string[]> =>
    digShort('127.0.0.1', bind.port, `${name}.${ZONE}`, type)

  before(async () => {
    bind = await startBind(
      [KEY],
      [
        { name: ZONE, keys: [KEY.name] },
        { name: BIG, keys: [KEY.name] },
      ],
    )
  })
  after(async () => {
    for (const p of running) await p.stop()
    await bind.stop()
    rmSync(root, { recursive: true, force: true })
  })
  /** `zone` as BIND transfers it: sorted lines, SOA serial left out (BIND bumps it). */
  const axfr = async (zone: string): Promise<string[]> => {
    const r = await run('dig', [
      ...['@127.0.0.1', '-p', String(bind.port), zone, 'AXFR', '+nocmd', '+nostats'],
      ...['-y', `${KEY.algorithm}:${KEY.name}:${KEY.secret}`],
    ])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith(';') && !/\s(TSIG|SOA)\s/.test(l))
      .map((l) => l.split(/\s+/).join(' '))
    return [...new Set(lines)].sort()
  }

  it('a second cluster leaves the first one’s zone alone until it claims it', async () => {
    const a = await serve(await cluster(root, 'a', bind))
    running.push(a.proc)
    for (const [host, ip] of [
      ['h1', '198.51.100.1'],
      ['h2', '198.51.100.2'],
      ['h3', '198.51.100.3'],
    ]) {
      assert.equal((await update(a.http, host ?? '', ip ?? '')).body, `good ${ip ?? ''}`)
    }
    const marker = await dig('_dynzone-owner', 'TXT')
    assert.equal(marker.length, 1, 'the first cluster marks the zone')
    assert.match(a.proc.stdout(), /zone resynced on taking it over/)
    assert.match(await leaseGauge(a.http), / 1$/)

    // The second cluster knows the same hosts, without addresses: a repair would remove them.
    const bDir = await cluster(root, 'b', bind)
    const b = await serve(bDir)
    running.push(b.proc)
    await b.proc.waitFor(/published by another dynzone cluster/)
    assert.deepEqual(await dig('h1'), ['198.51.100.1'])
    assert.deepEqual(await dig('h2'), ['198.51.100.2'])
    assert.deepEqual(await dig('_dynzone-owner', 'TXT'), marker)

    assert.match(await leaseGauge(b.http), / 0$/, 'refused: it pushes nothing')
    const ready = await curl([`${b.http}/readyz`])
    assert.match(ready.body, /another dynzone cluster/)
    const listed = await runDynzone(['zone', 'list', '--json'], bDir)
    assert.equal(listed.code, 0, listed.stderr)
    const rows = JSON.parse(listed.stdout) as {
      ownerConflict: string | null
      lease: { holder: string | null }
    }[]
    assert.equal(`"dynzone-cluster=${rows[0]?.ownerConflict ?? ''}"`, marker[0])
    assert.notEqual(rows[0]?.lease.holder, null)

    // Its updates are committed, not pushed; the first cluster keeps publishing.
    const refused = await update(b.http, 'h3', '203.0.113.3')
    assert.equal(refused.body, 'dnserr')
    assert.deepEqual(await dig('h3'), ['198.51.100.3'])
    assert.equal((await update(a.http, 'h2', '198.51.100.22')).body, 'good 198.51.100.22')

    // A resync asked of it is refused too, with the reason.
    const resync = await runDynzone(['zone', 'resync', ZONE, '--timeout', '20'], bDir)
    assert.notEqual(resync.code, 0)
    assert.match(resync.stderr, /published by another dynzone cluster/)
    assert.deepEqual(await dig('h1'), ['198.51.100.1'])

    // Claiming needs --force; then the second cluster's database is what DNS shows.
    const bare = await runDynzone(['zone', 'claim', ZONE], bDir)
    assert.equal(bare.code, 64, bare.stderr)
    const claimed = await runDynzone(['zone', 'claim', ZONE, '--force', '--timeout', '20'], bDir)
    assert.equal(claimed.code, 0, claimed.stderr)
    assert.deepEqual(await dig('h3'), ['203.0.113.3'])
    assert.deepEqual(await dig('h1'), [])
    assert.notDeepEqual(await dig('_dynzone-owner', 'TXT'), marker)
    assert.match(await leaseGauge(b.http), / 1$/)
    const after = await curl([`${b.http}/readyz`])
    assert.doesNotMatch(after.body, /another dynzone cluster/)

    // The first cluster still holds its lease and took the zone for its own: its next push
    // carries its marker as a prerequisite, BIND answers NXRRSET, and nothing changes.
    const aDir = join(root, 'a')
    const stale = await update(a.http, 'h1', '198.51.100.111')
    assert.equal(stale.body, 'dnserr')
    assert.deepEqual(await dig('h1'), [])
    assert.notDeepEqual(await dig('_dynzone-owner', 'TXT'), marker)
    // Reported as a conflict found at load: log, /readyz, zone list; the gate is closed.
    await a.proc.waitFor(/published by another dynzone cluster/)
    assert.match((await curl([`${a.http}/readyz`])).body, /another dynzone cluster/)
    const aZones = await runDynzone(['zone', 'list', '--json'], aDir)
    const [aRow] = JSON.parse(aZones.stdout) as { ownerConflict: string | null }[]
    assert.equal(
      `"dynzone-cluster=${aRow?.ownerConflict ?? ''}"`,
      (await dig('_dynzone-owner', 'TXT'))[0],
    )
    assert.match(await leaseGauge(a.http), / 0$/)
    // The acknowledged-as-committed change stays desired in its database, and is not retried.
    const hosts = await runDynzone(['host', 'list', '--json'], aDir)
    assert.match(hosts.stdout, /198\.51\.100\.111/)
    assert.equal((await update(a.http, 'h2', '198.51.100.122')).body, 'dnserr')
    assert.equal(a.proc.stdout().match(/publish refused/g)?.length, 1, 'tried once, not looped')
    assert.doesNotMatch(a.proc.stdout(), /"zone":"dyn\.example\.test"[^\n]*will retry/)
    assert.deepEqual(await dig('h2'), [])
  })

  it('an empty database deletes nothing of a zone another cluster publishes', async () => {
    // The publishing cluster: 150 hosts with addresses.
    const pDir = clusterDir(root, 'publisher', bind, BIG)
    const user = await runDynzone(['user', 'add', 'alice', '--password-stdin'], pDir, {
      stdin: PASSWORD,
    })
    assert.equal(user.code, 0, user.stderr)
    const csv = (withAddress: boolean): string =>
      [
        'fqdn,owner,ipv4',
        ...BIG_HOSTS.map(
          (h, i) => `${h},alice,${withAddress ? `198.51.100.${String(i % 250)}` : ''}`,
        ),
      ].join('\n') + '\n'
    writeFileSync(join(pDir, 'hosts.csv'), csv(true))
    const imported = await runDynzone(['import', 'hosts.csv', '--format', 'hosts-csv'], pDir)
    assert.equal(imported.code, 0, imported.stderr)
    const p = await serve(pDir)
    running.push(p.proc)
    await p.proc.waitFor(/zone resynced on taking it over/)
    const published = await axfr(BIG)
    assert.equal(published.filter((l) => /\sA\s/.test(l) && l.startsWith('host')).length, 150)

    // A second cluster on a database just made: `db migrate`, no user, no host at all.
    const eDir = clusterDir(root, 'empty', bind, BIG)
    const migrated = await runDynzone(['db', 'migrate'], eDir)
    assert.equal(migrated.code, 0, migrated.stderr)
    const e = await serve(eDir)
    running.push(e.proc)
    const records = (lines: string[]): string[] => lines.filter((l) => !l.startsWith('_dynzone'))
    assert.deepEqual(records(await axfr(BIG)), records(published))

    // Its operator then adds the same host names (no addresses yet) and asks for a resync:
    // without the marker, that resync would remove all 150 A records as drift.
    const eUser = await runDynzone(['user', 'add', 'alice', '--password-stdin'], eDir, {
      stdin: PASSWORD,
    })
    assert.equal(eUser.code, 0, eUser.stderr)
    writeFileSync(join(eDir, 'hosts.csv'), csv(false))
    const eImport = await runDynzone(['import', 'hosts.csv', '--format', 'hosts-csv'], eDir)
    assert.equal(eImport.code, 0, eImport.stderr)
    const resync = await runDynzone(['zone', 'resync', BIG, '--timeout', '20'], eDir)
    assert.deepEqual(records(await axfr(BIG)), records(published))
    assert.deepEqual(await axfr(BIG), published, 'the marker is left too')
    assert.notEqual(resync.code, 0)
    assert.match(resync.stderr, /published by another dynzone cluster/)
    await e.proc.waitFor(/published by another dynzone cluster/)
  })
})
