/**
 * Invitations in-process (`inject`) on a real SQLite store with mail through the real SMTP
 * receiver: an admin invites (after a step-up), the link arrives by mail, the invitee sets a
 * name and password and is signed in; used, expired, revoked and unknown links change nothing;
 * only the keyed hash of a link is stored.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { startSmtpReceiver, type SmtpReceiver } from '../../test/helpers/smtp-receiver.ts'
import { parseIp } from '../core/addresses/addresses.ts'
import { createAddressPolicy, createGuards } from '../core/rate-limit/rate-limit-setup.ts'
import { ok } from '../core/result.ts'
import { UpdateService } from '../core/update/update-service.ts'
import { AccountService } from '../core/accounts/accounts.ts'
import { Invitations } from '../core/accounts/invitations.ts'
import { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import { createSealer } from '../core/auth/sealed.ts'
import { SecondFactors } from '../core/auth/second-factors.ts'
import { Secret } from '../core/auth/secret.ts'
import type { Fqdn } from '../core/names.ts'
import type { PasswordHasher } from '../core/ports.ts'
import { notifySchema } from '../notifications/config-schema.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import { createNotifier } from '../notifications/setup.ts'
import { createLogger } from '../observability/logger.ts'
import { SqlAccountStore } from '../store/account-store.ts'
import { listAudit } from '../store/audit-store.ts'
import { SqlInvitationStore } from '../store/invitation-store.ts'
import { SqlLockoutStore } from '../store/lockout-store.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { SqlSecondFactorStore } from '../store/second-factor-store.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { SqlUpdateStore } from '../store/update-store.ts'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { syncZones } from '../store/zones.ts'
import { createWebDeps, registerWebRoutes } from './routes.ts'

const START = new Date('2030-01-01T00:00:00Z').getTime()
const ZONE = 'dyn.example' as Fqdn
const PEPPER = new Secret('a test pepper of at least 32 characters')
const SITE = 'https://dyn.example.org/dz'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const passwords: PasswordHasher = {
  hash: (p) => Promise.resolve(`plain:${p}`),
  verify: (h, p) => Promise.resolve(h === `plain:${p}`),
}

describe('invitations', () => {
  let db: Kysely<Database>
  let app: FastifyInstance
  let unmailed: FastifyInstance
  let accounts: AccountService
  let smtp: SmtpReceiver
  let notifier: NotificationService
  let now = START
  let source = 1

  const build = async (publicUrl: string): Promise<FastifyInstance> => {
    const zones = await syncZones(
      db,
      [{ name: ZONE, backend: 'builtin', ttl: 60, serialScheme: 'unixtime' }],
      new Date(START),
    )
    const hasher = createKeyedHasher(PEPPER)
    const clock = { now: () => new Date(now) }
    const updateStore = new SqlUpdateStore(db, zones)
    const guards = createGuards(
      {
        rate_limit: {
          enabled: true,
          good_window_seconds: 3600,
          good_max: 1000,
          host_good_max: 1000,
          bad_window_seconds: 900,
          bad_max: 1000,
          account_bad_max: 1000,
          max_entries: 1000,
          exempt: [],
        },
        security: {
          lockout_threshold: 3,
          lockout_base_seconds: 600,
          lockout_max_seconds: 3600,
          lockout_reset_seconds: 3600,
          lockout_allow: [],
          password_cache_seconds: 0,
        },
      },
      {
        store: updateStore,
        lockoutStore: new SqlLockoutStore(db),
        hasher,
        passwords,
        clock,
      },
    )
    const deps = createWebDeps({
      sessionStore: new SqlWebSessionStore(db),
      store: new SqlAccountStore(db, [ZONE]),
      passwords,
      hasher,
      accounts,
      lockouts: new LockoutAdmin({ store: new SqlLockoutStore(db), hasher, now: clock.now }),
      auditLog: { list: (filter) => listAudit(db, filter) },
      clock,
      clientIp: (req) => {
        const ip = parseIp(String(req.headers['x-test-client'] ?? '192.0.2.9'))
        if (!ip.ok) throw new Error('bad test address')
        return ip.value
      },
      secondFactors: new SecondFactors({
        store: new SqlSecondFactorStore(db),
        sealer: createSealer(PEPPER, 'second-factor'),
        hasher,
        clock,
      }),
      invites: {
        service: new Invitations({
          store: new SqlInvitationStore(db),
          accounts,
          hasher,
          randomBytes: (n) => randomBytes(n),
          now: clock.now,
          validHours: 72,
        }),
        publicUrl,
        mail: (to, values) => notifier.accountMail('invitation', to, values),
      },
      gate: guards.gate,
      updates: new UpdateService({
        store: updateStore,
        gate: guards.gate,
        publisher: { publish: () => Promise.resolve(ok(undefined)) },
        clock,
        maxHosts: 5,
        answerDeadlineMs: 100,
        addressPolicy: createAddressPolicy({
          address_policy: 'public',
          address_policy_public: [],
          address_policy_any: [],
        }),
      }),
    })
    const a = Fastify()
    a.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, new URLSearchParams(typeof body === 'string' ? body : ''))
      },
    )
    registerWebRoutes(a, deps)
    return a
  }

  const login = async (name: string, password: string, on = app) => {
    const from = `192.0.2.${String(++source)}`
    const page = await on.inject({ url: '/login' })
    const token = /dynzone_login=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1] ?? ''
    const r = await on.inject({
      method: 'POST',
      url: '/login',
      headers: { ...FORM, cookie: `dynzone_login=${token}`, 'x-test-client': from },
      payload: new URLSearchParams({ form: token, username: name, password }).toString(),
    })
    const id = /dynzone_session=([^;]+)/.exec(String(r.headers['set-cookie']))?.[1] ?? ''
    return { cookie: `dynzone_session=${id}`, from }
  }
  type Client = Awaited<ReturnType<typeof login>>
  const get = (c: Client, url: string, on = app) =>
    on.inject({ url, headers: { cookie: c.cookie, 'x-test-client': c.from } })
  const post = async (c: Client, url: string, fields: Record<string, string>, on = app) => {
    const page = await get(c, '/admin/invitations', on)
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1] ?? ''
    return on.inject({
      method: 'POST',
      url,
      headers: { ...FORM, cookie: c.cookie, 'x-test-client': c.from },
      payload: new URLSearchParams({ ...fields, csrf }).toString(),
    })
  }
  // Invites by the admin's form (the step-up answered with the admin's password).
  const invite = async (email: string, o: { admin?: boolean; on?: FastifyInstance } = {}) => {
    const c = await login('root', 'root-password', o.on)
    now += 10 * 60_000 // past the login's own proof: the step-up is asked
    const fields = { email, ...(o.admin === true ? { admin: 'yes' } : {}) }
    const asked = await post(c, '/admin/invitations', fields, o.on)
    assert.equal(asked.statusCode, 401, 'an admin action asks for a step-up')
    assert.match(asked.body, /name="step_up"/)
    return post(c, '/admin/invitations', { ...fields, step_up: 'root-password' }, o.on)
  }
  const mailedLink = async (count: number): Promise<string> => {
    const mails = await smtp.waitForMails(count)
    const mail = mails[count - 1]
    assert.ok(mail !== undefined)
    const link = /https:\/\/dyn\.example\.org\/dz(\/invite\/[A-Za-z0-9_-]{43})/.exec(mail.body)
    assert.ok(link?.[1] !== undefined, mail.body)
    return link[1]
  }
  // Follows a link: the form page, then the form posted with its cookie.
  const accept = async (path: string, username: string, password: string) => {
    const page = await app.inject({ url: path })
    const form = /dynzone_invite=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1] ?? ''
    const r = await app.inject({
      method: 'POST',
      url: path,
      headers: { ...FORM, cookie: `dynzone_invite=${form}` },
      payload: new URLSearchParams({ form, username, password }).toString(),
    })
    return { page, r }
  }
  const userCount = async () =>
    Number(
      (
        await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    smtp = await startSmtpReceiver()
    db = openSqlite(':memory:')
    assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
    const made = createNotifier({
      config: notifySchema.parse({
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'dynzone@example.org' },
      }),
      db,
      logger: createLogger('silent'),
      clock: { now: () => new Date(now) },
      readFile: () => '',
    })
    assert.ok(made.ok)
    notifier = made.value
    accounts = new AccountService({
      store: new SqlAccountStore(db, [ZONE]),
      passwords,
      hasher: createKeyedHasher(PEPPER),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      now: () => new Date(now),
    })
    app = await build(SITE)
    unmailed = await build('')
    assert.ok((await accounts.addUser({ name: 'root', password: 'root-password', admin: true })).ok)
    assert.ok((await accounts.addUser({ name: 'alice', password: 'alice-password' })).ok)
  })
  after(async () => {
    await app.close()
    await unmailed.close()
    notifier.close()
    await db.destroy()
    await smtp.stop()
  })

  it('mails a one-time link built from web.public_url; following it creates the account and signs in', async () => {
    const r = await invite('erin@example.org', { admin: true })
    assert.equal(r.statusCode, 303, r.body)
    assert.equal(r.headers.location, '/admin/invitations?done=sent')
    const path = await mailedLink(1)
    const mail = smtp.mails[0]
    assert.ok(mail !== undefined)
    assert.deepEqual(mail.to, ['erin@example.org'])
    assert.match(mail.subject, /invited/)
    // Only the keyed hash is stored, never the token.
    const token = path.slice('/invite/'.length)
    const rows = await db.selectFrom('invitations').selectAll().execute()
    assert.equal(rows.length, 1)
    assert.ok(!JSON.stringify(rows).includes(token))
    const listed = await get(await login('root', 'root-password'), '/admin/invitations')
    assert.match(listed.body, /erin@example\.org/)

    const { page, r: done } = await accept(path, 'erin', 'erin-password')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /erin@example\.org/)
    assert.equal(done.statusCode, 303, done.body)
    assert.equal(done.headers.location, '/hosts')
    const id = /dynzone_session=([^;]+)/.exec(String(done.headers['set-cookie']))?.[1] ?? ''
    const hosts = await app.inject({ url: '/hosts', headers: { cookie: `dynzone_session=${id}` } })
    assert.equal(hosts.statusCode, 200)
    const erin = await accounts.listUsers()
    const made = erin.find((u) => u.name === 'erin')
    assert.ok(made !== undefined)
    assert.equal(made.email, 'erin@example.org')
    assert.equal(made.isAdmin, true)
    // The link is spent: a second use changes nothing and says so.
    const before = await userCount()
    const again = await accept(path, 'erin2', 'erin2-password')
    assert.equal(again.page.statusCode, 410)
    assert.match(again.page.body, /used already/)
    assert.equal(again.r.statusCode, 410)
    assert.equal(await userCount(), before)
  })

  it('refuses an expired link, a revoked link and an unknown link, creating nothing', async () => {
    await invite('frank@example.org')
    const expiring = await mailedLink(2)
    await invite('gina@example.org')
    const revoked = await mailedLink(3)
    const c = await login('root', 'root-password')
    const list = await get(c, '/admin/invitations')
    const id = /\/admin\/invitations\/(\d+)\/revoke/.exec(
      list.body.slice(list.body.indexOf('gina@example.org')),
    )?.[1]
    assert.ok(id !== undefined)
    const r = await post(c, `/admin/invitations/${id}/revoke`, { step_up: 'root-password' })
    assert.equal(r.statusCode, 303, r.body)
    assert.doesNotMatch((await get(c, '/admin/invitations')).body, /gina@example\.org/)
    const before = await userCount()
    const gone = await accept(revoked, 'gina', 'gina-password')
    assert.equal(gone.r.statusCode, 410)
    assert.match(gone.r.body, /withdrawn/)

    now += 73 * 3600_000
    const late = await accept(expiring, 'frank', 'frank-password')
    assert.equal(late.page.statusCode, 410)
    assert.equal(late.r.statusCode, 410)
    assert.match(late.r.body, /expired/)

    const unknown = await accept(`/invite/${'A'.repeat(43)}`, 'nobody', 'nobody-password')
    assert.equal(unknown.r.statusCode, 404)
    assert.match(unknown.r.body, /not valid/)
    assert.equal(await userCount(), before)
  })

  it('keeps the link open when the name is taken or the password too short, and refuses a form without its cookie', async () => {
    await invite('hana@example.org')
    const path = await mailedLink(4)
    const before = await userCount()
    const taken = await accept(path, 'alice', 'hana-password')
    assert.equal(taken.r.statusCode, 422)
    const short = await accept(path, 'hana', 'short')
    assert.equal(short.r.statusCode, 422)
    const forged = await app.inject({
      method: 'POST',
      url: path,
      headers: FORM,
      payload: new URLSearchParams({
        form: 'x',
        username: 'hana',
        password: 'hana-password',
      }).toString(),
    })
    assert.equal(forged.statusCode, 403)
    assert.equal(await userCount(), before)
    const ok = await accept(path, 'hana', 'hana-password')
    assert.equal(ok.r.statusCode, 303)
    assert.equal(await userCount(), before + 1)
  })

  it('is for admins only, and without web.public_url shows the link once instead of mailing it', async () => {
    const alice = await login('alice', 'alice-password')
    assert.equal((await get(alice, '/admin/invitations')).statusCode, 403)
    const mails = smtp.mails.length
    const r = await invite('ivan@example.org', { on: unmailed })
    assert.equal(r.statusCode, 201, r.body)
    assert.match(r.body, /<pre class="secret">\/invite\/[A-Za-z0-9_-]{43}<\/pre>/)
    assert.equal(smtp.mails.length, mails)
    const bad = await invite('not-an-email', { on: unmailed })
    assert.equal(bad.statusCode, 422)
  })
})
