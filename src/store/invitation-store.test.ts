/**
 * Invitations over every SQL dialect (SQLite, a real PostgreSQL and MariaDB): found by hash,
 * listed while open, revoked once, and claimed once even by two requests at the same time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { STORE_DIALECTS, useMigratedDatabase } from '../../test/helpers/store-dialects.ts'
import { SqlInvitationStore } from './invitation-store.ts'

const AT = '2030-01-01T00:00:00.000Z'
const LATER = '2030-01-05T00:00:00.000Z'
const row = (hash: string, isAdmin = false) => ({
  hash,
  email: `${hash.slice(0, 4)}@example.org`,
  isAdmin,
  invitedBy: 'root',
  createdAt: AT,
  expiresAt: '2030-01-04T00:00:00.000Z',
})

for (const dialect of STORE_DIALECTS) {
  void describe(`invitation store (${dialect.name})`, () => {
    const db = useMigratedDatabase(dialect)

    it('finds by hash, lists open links, revokes once, and claims once under a race', async () => {
      const store = new SqlInvitationStore(db())
      const a = await store.insert(row('a'.repeat(64), true))
      const b = await store.insert(row('b'.repeat(64)))
      assert.notEqual(a, b)
      const found = await store.byHash('a'.repeat(64))
      assert.ok(found !== undefined)
      assert.equal(found.id, a)
      assert.equal(found.isAdmin, true)
      assert.equal(found.usedAt, null)
      assert.deepEqual(
        (await store.pending(AT)).map((i) => i.id),
        [a, b],
      )
      assert.deepEqual(await store.pending(LATER), [])

      assert.equal(await store.revoke(b, AT), true)
      assert.equal(await store.revoke(b, AT), false)
      assert.equal(await store.claim('b'.repeat(64), AT), false)

      const claims = await Promise.all([
        store.claim('a'.repeat(64), AT),
        store.claim('a'.repeat(64), AT),
      ])
      assert.deepEqual(claims.sort(), [false, true])
      assert.equal(await store.revoke(a, AT), false)
      await store.release('a'.repeat(64))
      assert.equal(await store.claim('a'.repeat(64), LATER), false, 'expired')
      assert.equal(await store.claim('a'.repeat(64), AT), true)
      assert.deepEqual(await store.pending(AT), [])
    })
  })
}
