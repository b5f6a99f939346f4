/**
 * The dashboard's reads over every SQL dialect: accepted and failed updates per UTC hour since
 * a time (older rows left out, empty hours absent), and the busiest hosts, most first.
 */
import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { STORE_DIALECTS, useMigratedDatabase } from '../../test/helpers/store-dialects.ts'
import { busiestHosts, perHour } from './activity-store.ts'

const row = (host_id: number, at: string) => ({
  host_id,
  at,
  dialect: 'dyndns2',
  client_ip: '198.51.100.7',
  actor: 'alice',
  result: 'good',
})

for (const dialect of STORE_DIALECTS) {
  void describe(`dashboard activity: ${dialect.name}`, () => {
    const db = useMigratedDatabase(dialect)

    beforeEach(async () => {
      await db()
        .insertInto('users')
        .values({ name: 'alice', email: null, password_hash: null, is_admin: 0, created_at: '' })
        .execute()
      await db()
        .insertInto('zones')
        .values({ name: 'dyn.example', backend: 'builtin', serial: 1, created_at: '' })
        .execute()
      for (const label of ['home', 'office', '@'])
        await db()
          .insertInto('hosts')
          .values({ zone_id: 1, label, owner_id: 1, dns_ttl: null, expiry_ttl: 0, created_at: '' })
          .execute()
      const history = [
        [1, '2030-01-01T09:59:59.000Z'], // before the window
        [1, '2030-01-01T10:00:00.000Z'],
        [1, '2030-01-01T10:30:00.000Z'],
        [2, '2030-01-01T10:45:00.000Z'],
        [1, '2030-01-01T12:05:00.000Z'],
        [3, '2030-01-01T12:59:59.999Z'],
        [2, '2030-01-01T12:10:00.000Z'],
        [2, '2030-01-01T12:20:00.000Z'],
        [2, '2030-01-01T12:30:00.000Z'],
      ] as const
      await db()
        .insertInto('update_history')
        .values(history.map(([h, at]) => ({ ...row(h, at), old_value: '-,-', new_value: '-,-' })))
        .execute()
      await db()
        .insertInto('update_failures')
        .values(
          (
            [
              [1, '2030-01-01T08:00:00.000Z'],
              [2, '2030-01-01T11:00:00.000Z'],
              [2, '2030-01-01T11:01:00.000Z'],
            ] as const
          ).map(([h, at]) => ({ ...row(h, at), result: 'badauth', message: 'bad credentials' })),
        )
        .execute()
    })

    it('counts accepted updates per hour since the start, oldest first', async () => {
      assert.deepEqual(await perHour(db(), 'update_history', '2030-01-01T10:00:00.000Z'), [
        { hour: '2030-01-01T10', count: 3 },
        { hour: '2030-01-01T12', count: 5 },
      ])
    })

    it('counts failed updates per hour the same way', async () => {
      assert.deepEqual(await perHour(db(), 'update_failures', '2030-01-01T10:00:00.000Z'), [
        { hour: '2030-01-01T11', count: 2 },
      ])
      assert.deepEqual(await perHour(db(), 'update_failures', '2030-01-02T00:00:00.000Z'), [])
    })

    it('names the busiest hosts, most updates first, within the limit', async () => {
      assert.deepEqual(await busiestHosts(db(), '2030-01-01T10:00:00.000Z', 2), [
        { hostId: 2, fqdn: 'office.dyn.example', updates: 4 },
        { hostId: 1, fqdn: 'home.dyn.example', updates: 3 },
      ])
      assert.deepEqual(await busiestHosts(db(), '2030-01-01T12:30:00.000Z', 5), [
        { hostId: 2, fqdn: 'office.dyn.example', updates: 1 },
        { hostId: 3, fqdn: 'dyn.example', updates: 1 },
      ])
    })
  })
}
