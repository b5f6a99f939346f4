/**
 * Second factors and account security in-process (`inject`) on a real SQLite store: TOTP
 * enrolment (secret sealed at rest, recovery codes shown once and stored hashed), the pending
 * login until the code, replayed and wrong codes (counted in the lockout like wrong
 * passwords), recovery codes used once, step-up before tokens and admin actions, the
 * `web.require_second_factor` policy, and the account page's password, email and sessions.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { Secret as OtpSecret, TOTP } from 'otpauth'
import { parseIp } from '../core/addresses/addresses.ts'
import { createAddressPolicy, createGuards } from '../core/rate-limit/rate-limit-setup.ts'
import { ok } from '../core/result.ts'
import { UpdateService } from '../core/update/update-service.ts'
import { AccountService } from '../core/accounts/accounts.ts'
import { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import { createSealer } from '../core/auth/sealed.ts'
import { SecondFactors } from '../core/auth/second-factors.ts'
import { Secret } from '../core/auth/secret.ts'
import type { Fqdn } from '../core/names.ts'
import type { PasswordHasher } from '../core/ports.ts'
import { SqlAccountStore } from '../store/account-store.ts'
import { listAudit } from '../store/audit-store.ts'
import { SqlLockoutStore } from '../store/lockout-store.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { SqlSecondFactorStore } from '../store/second-factor-store.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { SqlUpdateStore } from '../store/update-store.ts'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { syncZones } from '../store/zones.ts'
import { createWebDeps, registerWebRoutes } from './routes.ts'
import type { SecondFactorPolicy } from './web-http.ts'

const START = new Date('2030-01-01T00:00:00Z').getTime()
const ZONE = 'dyn.example' as Fqdn
const PEPPER = new Secret('a test pepper of at least 32 characters')
const passwords: PasswordHasher = {
  hash: (p) => Promise.resolve(`plain:${p}`),
  verify: (h, p) => Promise.resolve(h === `plain:${p}`),
}

describe('second factors and the account page', () => {
  let db: Kysely<Database>
  let app: FastifyInstance
  let strict: FastifyInstance
  let accounts: AccountService
  let now = START
  let source = 1
  const secrets = new Map<string, string>()

  const build = async (policy: SecondFactorPolicy): Promise<FastifyInstance> => {
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
      requireSecondFactor: policy,
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

  // Each login comes from its own address, so lockouts of one test never reach another.
  const login = async (name: string, on = app) => {
    const from = `192.0.2.${String(++source)}`
    const page = await on.inject({ url: '/login' })
    const token = /dynzone_login=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1] ?? ''
    const r = await on.inject({
      method: 'POST',
      url: '/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `dynzone_login=${token}`,
        'x-test-client': from,
        'user-agent': `TestBrowser/${name}`,
      },
      payload: new URLSearchParams({
        form: token,
        username: name,
        password: `${name}-password`,
      }).toString(),
    })
    const id = /dynzone_session=([^;]+)/.exec(String(r.headers['set-cookie']))?.[1] ?? ''
    return { cookie: `dynzone_session=${id}`, from, location: r.headers.location }
  }
  type Client = Awaited<ReturnType<typeof login>>
  const get = (c: Client, url: string, on = app) =>
    on.inject({ url, headers: { cookie: c.cookie, 'x-test-client': c.from } })
  const csrfOf = async (c: Client, on = app, url = '/account') =>
    /name="csrf" value="([0-9a-f]{64})"/.exec((await get(c, url, on)).body)?.[1] ?? ''
  const post = async (
    c: Client,
    url: string,
    fields: Record<string, string>,
    o: { on?: FastifyInstance; csrf?: string } = {},
  ) => {
    const on = o.on ?? app
    return on.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: c.cookie,
        'x-test-client': c.from,
      },
      payload: new URLSearchParams({
        ...fields,
        csrf: o.csrf ?? (await csrfOf(c, on)),
      }).toString(),
    })
  }
  const code = (name: string, at = now) =>
    TOTP.generate({
      secret: secretOf(name),
      timestamp: at,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    })
  const secretOf = (name: string) => {
    const s = secrets.get(name)
    if (s === undefined) throw new Error(`${name} has no TOTP`)
    return OtpSecret.fromBase32(s)
  }
  const enrol = async (name: string, c: Client): Promise<string[]> => {
    const page = await get(c, '/account/totp')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /<svg[^>]*>/)
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.body)?.[1] ?? ''
    const pending = /name="pending" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
    secrets.set(name, secret)
    const r = await post(
      c,
      '/account/totp',
      { pending, code: code(name) },
      { csrf: await csrfOf(c, app, '/account/totp') },
    )
    assert.equal(r.statusCode, 201, r.body)
    return [...r.body.matchAll(/<li><code>([A-Z2-7]{5}-[A-Z2-7]{5})<\/code><\/li>/g)].map(
      (m) => m[1] ?? '',
    )
  }
  const secondStep = async (c: Client, value: string, next = '/hosts') => {
    const page = await get(c, `/login/second-factor?next=${encodeURIComponent(next)}`)
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1] ?? ''
    return post(c, '/login/second-factor', { code: value, next }, { csrf })
  }
  const userId = async (name: string) =>
    (await db.selectFrom('users').select('id').where('name', '=', name).executeTakeFirstOrThrow())
      .id
  const tokenCount = async (name: string) => (await accounts.listTokens(name)).length

  before(async () => {
    db = openSqlite(':memory:')
    assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
    accounts = new AccountService({
      store: new SqlAccountStore(db, [ZONE]),
      passwords,
      hasher: createKeyedHasher(PEPPER),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      now: () => new Date(now),
    })
    app = await build('none')
    strict = await build('everyone')
    for (const [name, admin] of [
      ['root', true],
      ['alice', false],
      ['bob', false],
      ['carol', false],
      ['dave', false],
    ] as const) {
      assert.ok((await accounts.addUser({ name, password: `${name}-password`, admin })).ok)
    }
  })
  after(async () => {
    await app.close()
    await strict.close()
    await db.destroy()
  })

  it('enrols TOTP with the secret sealed at rest and ten recovery codes shown once, hashed', async () => {
    const c = await login('alice')
    assert.equal(c.location, '/hosts')
    const page = await get(c, '/account/totp')
    const pending = /name="pending" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
    const wrong = await post(
      c,
      '/account/totp',
      { pending, code: '000000' },
      { csrf: await csrfOf(c) },
    )
    assert.equal(wrong.statusCode, 422)
    assert.equal(await db.selectFrom('totp_secrets').selectAll().executeTakeFirst(), undefined)
    const forged = await post(c, '/account/totp', { pending: 'v1.AAAA.BBBB', code: '123456' })
    assert.equal(forged.statusCode, 422)
    const codes = await enrol('alice', c)
    assert.equal(codes.length, 10)
    assert.equal(new Set(codes).size, 10)
    const row = await db.selectFrom('totp_secrets').selectAll().executeTakeFirstOrThrow()
    assert.equal(row.user_id, await userId('alice'))
    assert.ok(!row.sealed.includes(secrets.get('alice') ?? '?'))
    assert.match(row.sealed, /^v1\./)
    const hashes = await db.selectFrom('recovery_codes').select('hash').execute()
    assert.equal(hashes.length, 10)
    for (const h of hashes) assert.ok(!codes.some((c2) => h.hash.includes(c2.replace('-', ''))))
    const account = await get(c, '/account')
    assert.match(account.body, /Recovery codes left: 10 of 10/)
    assert.doesNotMatch(account.body, new RegExp(codes[0] ?? '?'))
  })

  it('keeps a login pending until the code, and never takes a code twice', async () => {
    now += 60_000
    const c = await login('alice')
    assert.equal(c.location, '/login/second-factor?next=%2Fhosts')
    const blocked = await get(c, '/tokens')
    assert.equal(blocked.statusCode, 303)
    assert.equal(blocked.headers.location, '/login/second-factor?next=%2Ftokens')
    const forged = await post(c, '/tokens', { label: 'x' }, { csrf: 'x'.repeat(64) })
    assert.equal(forged.statusCode, 401)
    assert.equal((await secondStep(c, '12345')).statusCode, 401)
    const good = code('alice')
    const r = await secondStep(c, good)
    assert.equal(r.statusCode, 303)
    assert.equal(r.headers.location, '/hosts')
    assert.equal((await get(c, '/tokens')).statusCode, 200)
    const again = await login('alice')
    const replay = await secondStep(again, good)
    assert.equal(replay.statusCode, 401)
    assert.match(replay.body, /not right \(or was used already\)/)
  })

  it('counts wrong codes in the lockout, like wrong passwords', async () => {
    now += 60_000
    const c = await login('alice')
    for (let i = 0; i < 3; i++) assert.equal((await secondStep(c, '000000')).statusCode, 401)
    const held = await secondStep(c, code('alice'))
    assert.equal(held.statusCode, 429)
    assert.match(held.body, /Too many failed attempts/)
    const locks = await db.selectFrom('lockouts').selectAll().where('source', '=', c.from).execute()
    assert.equal(locks[0]?.subject, 'user:alice')
  })

  it('takes each recovery code once', async () => {
    now += 60_000
    const c = await login('carol')
    const codes = await enrol('carol', c)
    const first = codes[0] ?? ''
    const l1 = await login('carol')
    const r = await secondStep(l1, first.toLowerCase())
    assert.equal(r.headers.location, '/account?done=recovery')
    assert.match((await get(l1, '/account')).body, /Recovery codes left: 9 of 10/)
    const l2 = await login('carol')
    assert.equal((await secondStep(l2, first)).statusCode, 401)
  })

  it('asks for a fresh second factor (or password) before a token is created', async () => {
    const alice = await login('alice')
    now += 30_000
    assert.equal((await secondStep(alice, code('alice'))).statusCode, 303)
    const bob = await login('bob')
    now += 6 * 60_000
    const before = await tokenCount('alice')
    const asked = await post(alice, '/tokens', { label: 'router', scope: 'address' })
    assert.equal(asked.statusCode, 401)
    assert.match(asked.body, /Confirm it is you/)
    assert.match(asked.body, /name="label" value="router"/)
    assert.equal(await tokenCount('alice'), before)
    const wrong = await post(alice, '/tokens', {
      label: 'router',
      scope: 'address',
      step_up: '000000',
    })
    assert.equal(wrong.statusCode, 401)
    assert.equal(await tokenCount('alice'), before)
    const r = await post(alice, '/tokens', {
      label: 'router',
      scope: 'address',
      step_up: code('alice'),
    })
    // Created: the secret is shown once on the page the redirect leads to.
    assert.equal(r.statusCode, 303)
    assert.equal(r.headers.location, '/tokens/secret')
    assert.equal(await tokenCount('alice'), before + 1)
    // Fresh for a few minutes: the next token needs no new proof.
    const next = await post(alice, '/tokens', { label: 'nas', scope: 'address' })
    assert.equal(next.headers.location, '/tokens/secret')
    assert.equal(await tokenCount('alice'), before + 2)
    // Without a second factor the password is the proof.
    const bobAsked = await post(bob, '/tokens', { label: 'router', scope: 'address' })
    assert.match(bobAsked.body, /Your password/)
    const bobOk = await post(bob, '/tokens', {
      label: 'r',
      scope: 'address',
      step_up: 'bob-password',
    })
    assert.equal(bobOk.statusCode, 303)
    assert.equal(bobOk.headers.location, '/tokens/secret')
  })

  it('asks for step-up before every admin action', async () => {
    const root = await login('root')
    now += 6 * 60_000
    const fields = { name: 'erin', password: 'erin-password' }
    const asked = await post(root, '/admin/users', fields)
    assert.equal(asked.statusCode, 401)
    assert.equal(
      (await accounts.listUsers()).some((u) => u.name === 'erin'),
      false,
    )
    // The password of the form is asked for again, in an empty field.
    assert.match(
      asked.body,
      /<input type="password" id="retype_password" name="password"[^>]*required/,
    )
    assert.doesNotMatch(asked.body, /erin-password/)
    assert.match(asked.body, /name="name" value="erin"/)
    const r = await post(root, '/admin/users', { ...fields, step_up: 'root-password' })
    assert.equal(r.statusCode, 303)
    const erin = await db
      .selectFrom('users')
      .select('password_hash')
      .where('name', '=', 'erin')
      .executeTakeFirstOrThrow()
    assert.equal(erin.password_hash, 'plain:erin-password')
  })

  it('sends users the policy covers to enrolment and lets them do nothing else', async () => {
    const c = await login('dave', strict)
    assert.equal(c.location, '/hosts')
    const r = await get(c, '/hosts', strict)
    assert.equal(r.headers.location, '/account/totp?required=1')
    assert.equal((await get(c, '/account', strict)).headers.location, '/account/totp?required=1')
    const page = await get(c, '/account/totp?required=1', strict)
    assert.match(page.body, /administrator requires a second factor/)
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1] ?? ''
    const refused = await post(c, '/tokens', { label: 'x', scope: 'address' }, { on: strict, csrf })
    assert.equal(refused.statusCode, 403)
    assert.equal(await tokenCount('dave'), 0)
    // A user with a factor passes; removing it is refused while the policy covers them.
    const alice = await login('alice', strict)
    now += 30_000
    const step = await get(alice, '/login/second-factor', strict)
    const aCsrf = /name="csrf" value="([0-9a-f]{64})"/.exec(step.body)?.[1] ?? ''
    await post(
      alice,
      '/login/second-factor',
      { code: code('alice'), next: '/hosts' },
      { on: strict, csrf: aCsrf },
    )
    assert.equal((await get(alice, '/hosts', strict)).statusCode, 200)
    const remove = await post(alice, '/account/totp/remove', { confirm: 'yes' }, { on: strict })
    assert.equal(remove.statusCode, 409)
    assert.ok(
      await db
        .selectFrom('totp_secrets')
        .where('user_id', '=', await userId('alice'))
        .selectAll()
        .executeTakeFirst(),
    )
  })

  it('changes the password and email only with the current password', async () => {
    const other = await login('bob')
    const bob = await login('bob')
    const wrong = await post(bob, '/account/password', {
      current_password: 'not-it',
      new_password: 'bob-new-password',
    })
    assert.equal(wrong.statusCode, 401)
    assert.equal((await get(other, '/account')).statusCode, 200)
    const short = await post(bob, '/account/password', {
      current_password: 'bob-password',
      new_password: 'short',
    })
    assert.equal(short.statusCode, 422)
    const badMail = await post(bob, '/account/email', {
      current_password: 'bob-password',
      email: 'not an address',
    })
    assert.equal(badMail.statusCode, 422)
    const mail = await post(bob, '/account/email', {
      current_password: 'bob-password',
      email: 'bob@example.org',
    })
    assert.equal(mail.statusCode, 303)
    const row = await db
      .selectFrom('users')
      .select('email')
      .where('name', '=', 'bob')
      .executeTakeFirst()
    assert.equal(row?.email, 'bob@example.org')
    const r = await post(bob, '/account/password', {
      current_password: 'bob-password',
      new_password: 'bob-new-password',
    })
    assert.equal(r.headers.location, '/account?done=password')
    // Every other session of bob ended; this one stays.
    assert.equal((await get(other, '/account')).statusCode, 303)
    assert.equal((await get(bob, '/account')).statusCode, 200)
    assert.ok(await accounts.setPassword('bob', 'bob-password'))
  })

  it('lists own sessions and signs one or all others out, never another user’s', async () => {
    const a = await login('bob')
    const b = await login('bob')
    const page = await get(b, '/account')
    assert.match(page.body, /TestBrowser\/bob/)
    assert.match(page.body, new RegExp(a.from.replace(/\./g, '\\.')))
    assert.match(page.body, /this session/)
    const ids = [...page.body.matchAll(/\/account\/sessions\/(\d+)\/end/g)].map((m) => m[1] ?? '')
    assert.ok(ids.length >= 1)
    const root = await login('root')
    const foreign = await post(root, `/account/sessions/${ids[0] ?? ''}/end`, {})
    assert.equal(foreign.statusCode, 404)
    const one = await post(b, `/account/sessions/${ids[0] ?? ''}/end`, {})
    assert.equal(one.statusCode, 303)
    await post(b, '/account/sessions/end-others', {})
    assert.equal((await get(a, '/account')).statusCode, 303)
    assert.equal((await get(b, '/account')).statusCode, 200)
    const left = await db
      .selectFrom('web_sessions')
      .select('id')
      .where('user_id', '=', await userId('bob'))
      .execute()
    assert.equal(left.length, 1)
  })
})
