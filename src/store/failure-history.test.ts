/**
 * Failed updates kept per host (`update_failures`, apart from the change history): which results count (not a missing credential, not a
 * server error), only for hosts that exist, once a minute per host, result and source, and
 * never a secret.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { parseIp } from '../core/addresses/addresses.ts'
import { failuresOf } from '../core/update/update-failures.ts'
import type { UpdateIntent } from '../core/update/update-intent.ts'
import { Secret } from '../core/auth/secret.ts'
import { SqlFailureHistory } from './failure-history.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import { openSqlite } from './sql/sqlite.ts'

const T0 = Date.parse('2030-01-01T00:00:00Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()
const ip = parseIp('198.51.100.7')
if (!ip.ok) throw new Error('test address')
const intent = (over: Partial<UpdateIntent> = {}): UpdateIntent => ({
  dialect: 'dyndns2',
  credentials: { kind: 'basic', username: 'alice', secret: new Secret('s3cret-value') },
  hostnames: ['home.dyn.example', 'nothere.dyn.example'],
  ipv4: { kind: 'auto' },
  ipv6: { kind: 'keep' },
  clientIp: ip.value,
  ...over,
})
const badauth = { kind: 'rejected', code: 'badauth', message: 'bad credentials' } as const

describe('failed updates in the history', () => {
  let db: Kysely<Database>
  let errors: unknown[]
  let log: SqlFailureHistory
  const rows = () => db.selectFrom('update_failures').selectAll().orderBy('id').execute()

  beforeEach(async () => {
    db = openSqlite(':memory:')
    assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
    await db
      .insertInto('users')
      .values({ name: 'alice', email: null, password_hash: null, is_admin: 0, created_at: '' })
      .execute()
    await db
      .insertInto('zones')
      .values({ name: 'dyn.example', backend: 'builtin', serial: 1, created_at: '' })
      .execute()
    await db
      .insertInto('hosts')
      .values({
        zone_id: 1,
        label: 'home',
        owner_id: 1,
        dns_ttl: null,
        expiry_ttl: 0,
        created_at: '',
      })
      .execute()
    errors = []
    log = new SqlFailureHistory(db, (e) => errors.push(e))
  })
  afterEach(async () => {
    await db.destroy()
  })

  it('turns results into failures: refusals and bad outcomes, not successes', () => {
    assert.equal(failuresOf(intent(), badauth, 'alice').length, 2)
    assert.deepEqual(failuresOf(intent({ credentials: null }), badauth, 'alice'), [])
    assert.deepEqual(
      failuresOf(intent(), { kind: 'rejected', code: '911', message: 'x' }, 'alice'),
      [],
    )
    const outcomes = failuresOf(
      intent(),
      {
        kind: 'hosts',
        outcomes: [
          { hostname: 'a.dyn.example', status: 'good' },
          { hostname: 'b.dyn.example', status: 'nochg' },
          { hostname: 'c.dyn.example', status: '!yours' },
          { hostname: 'd.dyn.example', status: 'dnserr' },
        ],
      },
      'alice',
    )
    assert.deepEqual(
      outcomes.map((f) => [f.hostname, f.result]),
      [
        ['c.dyn.example', '!yours'],
        ['d.dyn.example', 'dnserr'],
      ],
    )
  })

  it('records a failure for an existing host only, with no secret', async () => {
    await log.record(failuresOf(intent(), badauth, 'alice'), at(0))
    const all = await rows()
    assert.equal(all.length, 1)
    assert.equal(all[0]?.result, 'badauth')
    assert.equal(all[0].message, 'bad credentials')
    assert.equal(all[0].actor, 'alice')
    assert.equal(all[0].client_ip, '198.51.100.7')
    assert.ok(!JSON.stringify(all).includes('s3cret'))
    assert.deepEqual(errors, [])
  })

  it('records the same failure from the same source at most once a minute', async () => {
    for (const s of [0, 10, 59]) await log.record(failuresOf(intent(), badauth, 'alice'), at(s))
    assert.equal((await rows()).length, 1)
    await log.record(failuresOf(intent(), badauth, 'alice'), at(61))
    const policy = { kind: 'rejected', code: 'badip', message: 'private address' } as const
    await log.record(failuresOf(intent(), policy, 'alice'), at(62))
    assert.deepEqual(
      (await rows()).map((r) => r.result),
      ['badauth', 'badauth', 'badip'],
    )
  })

  it('keeps its own errors away from the update', async () => {
    await db.destroy()
    await log.record(failuresOf(intent(), badauth, 'alice'), at(0))
    assert.equal(errors.length, 1)
    db = openSqlite(':memory:')
  })
})
