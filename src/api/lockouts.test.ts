/** `/lockouts`: admins list locks and lift them; nobody else sees them. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { SqlLockoutStore } from '../store/lockout-store.ts'
import { errorCode, startApiFixture, type ApiFixture } from '../../test/fakes/api-server.ts'

interface Lockout {
  id: number
  subject: string
  source: string
  locked: boolean
}

describe('api lockouts', () => {
  let f: ApiFixture
  let root: string
  let alice: string

  before(async () => {
    f = await startApiFixture()
    await f.user('root', { admin: true })
    await f.user('alice')
    root = await f.token('root')
    alice = await f.token('alice')
    const store = new SqlLockoutStore(f.context.db)
    const now = Date.now()
    await store.save({
      subject: 'user:alice',
      source: '192.0.2.5',
      failures: 0,
      level: 1,
      lockedUntil: new Date(now + 3_600_000).toISOString(),
      lastFailureAt: new Date(now - 1000).toISOString(),
    })
    await store.save({
      subject: 'token',
      source: '198.51.100.0',
      failures: 2,
      level: 0,
      lockedUntil: null,
      lastFailureAt: new Date(now - 5000).toISOString(),
    })
  })
  after(() => f.close())

  const list = async (query = ''): Promise<Lockout[]> => {
    const a = await f.call('GET', `/lockouts${query}`, { token: root })
    assert.equal(a.status, 200)
    return (a.body as { items: Lockout[] }).items
  }

  it('lists failures and locks to an admin', async () => {
    const items = await list()
    assert.deepEqual(items.map((l) => [l.subject, l.source, l.locked]).sort(), [
      ['token', '198.51.100.0', false],
      ['user:alice', '192.0.2.5', true],
    ])
    assert.deepEqual(
      (await list('?locked=true')).map((l) => l.subject),
      ['user:alice'],
    )
  })

  it('keeps them from non-admins', async () => {
    const a = await f.call('GET', '/lockouts', { token: alice })
    assert.equal(a.status, 403)
    const [first] = await list()
    assert.ok(first)
    const d = await f.call('DELETE', `/lockouts/${String(first.id)}`, { token: alice })
    assert.equal(errorCode(d), 'forbidden')
    assert.equal((await list()).length, 2)
  })

  it('lifts one lock', async () => {
    const locked = (await list()).find((l) => l.locked)
    assert.ok(locked)
    const a = await f.call('DELETE', `/lockouts/${String(locked.id)}`, { token: root })
    assert.equal(a.status, 204)
    assert.deepEqual(
      (await list()).map((l) => l.subject),
      ['token'],
    )
    const again = await f.call('DELETE', `/lockouts/${String(locked.id)}`, { token: root })
    assert.equal(errorCode(again), 'lockout_not_found')
  })
})
