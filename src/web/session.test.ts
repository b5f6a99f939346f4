/**
 * Web sessions over every SQL dialect: a cookie names a live session, only the keyed hash is
 * stored, idle and absolute expiry end it, logout and "all of a user" delete it, and the
 * CSRF token is per session and checked exactly.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import { Secret } from '../core/auth/secret.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import {
  clearedSessionCookie,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  WebSessions,
} from './session.ts'

const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
const T0 = new Date('2030-01-01T00:00:00Z')

for (const dialect of STORE_DIALECTS) {
  void describe(`web sessions (${dialect.name})`, () => {
    dialect.useServer()
    let db: Kysely<Database>
    let now: Date
    let sessions: WebSessions
    let alice: number
    const cookie = (id: string) => ({ headers: { cookie: `theme=dark; ${SESSION_COOKIE}=${id}` } })

    beforeEach(async () => {
      db = await dialect.fresh()
      const migrated = await migrateToLatest(db as Kysely<unknown>)
      assert.ok(migrated.ok)
      now = T0
      sessions = new WebSessions({
        store: new SqlWebSessionStore(db),
        hasher,
        clock: { now: () => now },
        idleSeconds: 3600,
        absoluteSeconds: 86400,
      })
      await db
        .insertInto('users')
        .values({ name: 'alice', email: null, password_hash: null, is_admin: 1, created_at: '' })
        .execute()
      // PostgreSQL reports no insert id without RETURNING: read it back.
      const row = await db
        .selectFrom('users')
        .select('id')
        .where('name', '=', 'alice')
        .executeTakeFirstOrThrow()
      alice = row.id
    })
    afterEach(async () => {
      await db.destroy()
    })

    it('finds the session a cookie names and stores only a hash of its id', async () => {
      const id = await sessions.create(alice)
      const s = await sessions.fromRequest(cookie(id))
      assert.equal(s?.userName, 'alice')
      assert.equal(s.isAdmin, true)
      const rows = await db.selectFrom('web_sessions').selectAll().execute()
      assert.equal(rows.length, 1)
      assert.notEqual(rows[0]?.hash, id)
      assert.ok(!JSON.stringify(rows).includes(id))
    })

    it('refuses missing, malformed and unknown cookies', async () => {
      await sessions.create(alice)
      for (const header of [
        undefined,
        `${SESSION_COOKIE}=short`,
        `${SESSION_COOKIE}=${'A'.repeat(43)}`,
      ]) {
        assert.equal(await sessions.fromRequest({ headers: { cookie: header } }), undefined)
      }
    })

    it('ends a session after the idle time, and activity keeps it alive', async () => {
      const id = await sessions.create(alice)
      now = new Date(T0.getTime() + 50 * 60_000)
      assert.ok(await sessions.fromRequest(cookie(id)))
      now = new Date(T0.getTime() + 100 * 60_000)
      assert.ok(await sessions.fromRequest(cookie(id)), 'seen 50 minutes ago: still alive')
      now = new Date(T0.getTime() + 161 * 60_000)
      assert.equal(await sessions.fromRequest(cookie(id)), undefined)
      assert.equal((await db.selectFrom('web_sessions').selectAll().execute()).length, 0)
    })

    it('ends a session at the absolute expiry however active it is', async () => {
      const id = await sessions.create(alice)
      for (let minutes = 30; minutes < 24 * 60; minutes += 30) {
        now = new Date(T0.getTime() + minutes * 60_000)
        assert.ok(await sessions.fromRequest(cookie(id)), `at ${String(minutes)} minutes`)
      }
      now = new Date(T0.getTime() + 24 * 3600_000)
      assert.equal(await sessions.fromRequest(cookie(id)), undefined)
    })

    it('checks the CSRF token exactly, per session', async () => {
      const a = await sessions.fromRequest(cookie(await sessions.create(alice)))
      const b = await sessions.fromRequest(cookie(await sessions.create(alice)))
      assert.ok(a && b)
      assert.notEqual(a.csrf, b.csrf)
      assert.equal(sessions.checkCsrf(a, a.csrf), true)
      for (const bad of [b.csrf, undefined, '', a.csrf.slice(1), `${a.csrf}x`, 42]) {
        assert.equal(sessions.checkCsrf(a, bad), false, String(bad))
      }
    })

    it('logout deletes one session; destroyAllOf every session of the user', async () => {
      const one = await sessions.create(alice)
      const two = await sessions.create(alice)
      const s = await sessions.fromRequest(cookie(one))
      assert.ok(s)
      await sessions.destroy(s)
      assert.equal(await sessions.fromRequest(cookie(one)), undefined)
      assert.ok(await sessions.fromRequest(cookie(two)))
      await sessions.destroyAllOf(alice)
      assert.equal(await sessions.fromRequest(cookie(two)), undefined)
    })

    it('keeps a pending login apart until verified, and step-up fresh for 5 minutes', async () => {
      const id = await sessions.create(alice, { pending: true, clientIp: '192.0.2.1' })
      assert.equal(await sessions.fromRequest(cookie(id)), undefined)
      const pending = await sessions.fromRequest(cookie(id), { pending: true })
      assert.ok(pending?.pending)
      assert.equal(sessions.isFresh(pending), false)
      await sessions.verified(pending)
      const s = await sessions.fromRequest(cookie(id))
      assert.ok(s && !s.pending && sessions.isFresh(s))
      now = new Date(T0.getTime() + 5 * 60_000)
      assert.equal(sessions.isFresh(s), false)
      // Unverified, a pending login ends after 10 minutes.
      const late = await sessions.create(alice, { pending: true })
      now = new Date(now.getTime() + 10 * 60_000)
      assert.equal(await sessions.fromRequest(cookie(late), { pending: true }), undefined)
    })

    it('lists a user’s sessions and ends one or all others', async () => {
      const one = await sessions.create(alice, { clientIp: '192.0.2.1', userAgent: 'A/1' })
      now = new Date(T0.getTime() + 1000)
      await sessions.create(alice, { clientIp: '2001:db8::1', userAgent: 'B/2' })
      const three = await sessions.create(alice)
      const listed = await sessions.listOf(alice)
      assert.deepEqual(
        listed.map((l) => [l.clientIp, l.userAgent]),
        [
          [null, null],
          ['2001:db8::1', 'B/2'],
          ['192.0.2.1', 'A/1'],
        ],
      )
      const first = listed.at(-1)
      assert.ok(first)
      assert.equal(await sessions.endOne(alice + 1, first.id), false)
      assert.equal(await sessions.endOne(alice, first.id), true)
      assert.equal(await sessions.fromRequest(cookie(one)), undefined)
      const s = await sessions.fromRequest(cookie(three))
      assert.ok(s)
      await sessions.endOthers(s)
      assert.deepEqual(
        (await sessions.listOf(alice)).map((l) => l.key),
        [s.key],
      )
    })
  })
}

void describe('session cookies', () => {
  it('are HttpOnly, SameSite=Lax, Path=/ and Secure only over HTTPS', () => {
    assert.equal(
      sessionCookie('abc', false),
      `${SESSION_COOKIE}=abc; HttpOnly; SameSite=Lax; Path=/`,
    )
    assert.match(sessionCookie('abc', true), /; Secure$/)
    assert.match(clearedSessionCookie(false), /Max-Age=0/)
  })

  it('reads one cookie out of a header', () => {
    assert.equal(readCookie('a=1; dynzone_session=xyz; b=2', SESSION_COOKIE), 'xyz')
    assert.equal(readCookie('xdynzone_session=1', SESSION_COOKIE), undefined)
    assert.equal(readCookie(undefined, SESSION_COOKIE), undefined)
  })
})
