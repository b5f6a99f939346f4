/**
 * The web routes in-process (`inject`) on a real SQLite store and core's account service:
 * sign-in rules, CSRF refusal, no cross-user access, admin-only pages, input validation that
 * changes nothing, escaping, same-site redirects only, login lockouts and the account-wide
 * budget of bad passwords.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { parseIp } from '../core/addresses/addresses.ts'
import { createAddressPolicy, createGuards } from '../core/rate-limit/rate-limit-setup.ts'
import { ok } from '../core/result.ts'
import { UpdateService } from '../core/update/update-service.ts'
import { AccountService } from '../core/accounts/accounts.ts'
import { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import type { PasswordHasher } from '../core/ports.ts'
import type { Fqdn } from '../core/names.ts'
import { Secret } from '../core/auth/secret.ts'
import { SqlAccountStore } from '../store/account-store.ts'
import { SqlLockoutStore } from '../store/lockout-store.ts'
import { listAudit } from '../store/audit-store.ts'
import { SqlUpdateStore } from '../store/update-store.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { syncZones } from '../store/zones.ts'
import { createWebDeps, registerWebRoutes } from './routes.ts'
import { dashboardPage } from './dashboard-page.ts'
import type { RatePoint } from './rate-chart.ts'
import { createSealer } from '../core/auth/sealed.ts'
import { SecondFactors } from '../core/auth/second-factors.ts'
import { SqlSecondFactorStore } from '../store/second-factor-store.ts'
import { SqlZoneRecordStore } from '../store/zone-record-store.ts'
import { supportedTypes } from '../backends/registry.ts'
import { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import { zoneContentRules } from '../zone/zone-content-rules.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const ZONE = 'dyn.example' as Fqdn
const passwords: PasswordHasher = {
  hash: (p) => Promise.resolve(`plain:${p}`),
  verify: (h, p) => Promise.resolve(h === `plain:${p}`),
}

describe('web routes', () => {
  let db: Kysely<Database>
  let app: FastifyInstance
  let accounts: AccountService
  let zoneRecords: ZoneRecordService
  const cookies = new Map<string, string>()
  let draws = 0
  // The DNS server's queries per second the dashboard shows (a known series per test).
  let rates: readonly RatePoint[] = []

  const form = (fields: Record<string, string>) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  })
  const login = async (name: string, password: string, next?: string, from = '192.0.2.9') => {
    const page = await app.inject({ url: '/login' })
    const token = /dynzone_login=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1] ?? ''
    const r = await app.inject({
      method: 'POST',
      url: '/login',
      ...form({ form: token, username: name, password, ...(next === undefined ? {} : { next }) }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `dynzone_login=${token}`,
        'x-test-client': from,
      },
    })
    const session = /dynzone_session=([^;]+)/.exec(String(r.headers['set-cookie']))?.[1]
    if (session !== undefined) cookies.set(name, `dynzone_session=${session}`)
    return r
  }
  const csrfOf = async (name: string): Promise<string> => {
    const r = await app.inject({ url: '/tokens', headers: { cookie: cookies.get(name) ?? '' } })
    return /name="csrf" value="([0-9a-f]{64})"/.exec(r.body)?.[1] ?? ''
  }
  const post = async (name: string, url: string, fields: Record<string, string>, csrf = true) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookies.get(name) ?? '',
      },
      payload: new URLSearchParams({
        ...fields,
        ...(csrf ? { csrf: await csrfOf(name) } : {}),
      }).toString(),
    })
  const get = (name: string, url: string) =>
    app.inject({ url, headers: { cookie: cookies.get(name) ?? '' } })
  /** The page a POST redirected to, as that session sees it (with the flash cookie). */
  const follow = async (name: string, r: { headers: Record<string, unknown> }) => {
    assert.equal(typeof r.headers.location, 'string', 'a redirect')
    const flash = /dynzone_flash=([^;]*)/.exec(String(r.headers['set-cookie']))?.[1] ?? ''
    const cookie = `${cookies.get(name) ?? ''}; dynzone_flash=${flash}`
    return app.inject({ url: String(r.headers.location), headers: { cookie } })
  }
  const hostRow = (label: string) =>
    db.selectFrom('hosts').selectAll().where('label', '=', label).executeTakeFirst()

  before(async () => {
    db = openSqlite(':memory:')
    assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
    const zones = await syncZones(
      db,
      [{ name: ZONE, backend: 'builtin', ttl: 60, serialScheme: 'unixtime' }],
      NOW,
    )
    const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))
    accounts = new AccountService({
      store: new SqlAccountStore(db, [ZONE]),
      passwords,
      hasher,
      // Deterministic but different each call: every token needs a secret of its own.
      randomBytes: (n) => {
        draws += 1
        return new Uint8Array(n).map((_, i) => (i + draws) % 256)
      },
      now: () => NOW,
    })
    for (const [name, admin] of [
      ['root', true],
      ['alice', false],
      ['bob', false],
    ] as const) {
      assert.ok((await accounts.addUser({ name, password: `${name}-password`, admin })).ok)
    }
    assert.ok((await accounts.addHost({ fqdn: `home.${ZONE}`, owner: 'alice' })).ok)
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
          account_bad_max: 4,
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
        clock: { now: () => NOW },
      },
    )
    // Addresses set on a host page: the update service with a public-only address policy (no
    // DNS here: the publisher confirms at once).
    const updates = new UpdateService({
      store: updateStore,
      gate: guards.gate,
      publisher: { publish: () => Promise.resolve(ok(undefined)) },
      clock: { now: () => NOW },
      maxHosts: 5,
      answerDeadlineMs: 100,
      addressPolicy: createAddressPolicy({
        address_policy: 'public',
        address_policy_public: [],
        address_policy_any: [],
      }),
    })
    const secondFactors = new SecondFactors({
      store: new SqlSecondFactorStore(db),
      sealer: createSealer(new Secret('a test pepper of at least 32 characters'), 'second-factor'),
      hasher,
      clock: { now: () => NOW },
    })
    // Static records: the record editor's service, on the same store.
    zoneRecords = new ZoneRecordService({
      store: new SqlZoneRecordStore(db),
      rules: zoneContentRules,
      zones: new Map([
        [
          ZONE,
          {
            ttl: 60,
            ns: [`ns1.${ZONE}` as Fqdn],
            types: new Set(supportedTypes('builtin')),
            backend: 'builtin',
          },
        ],
      ]),
      maxPerHost: 20,
      now: () => NOW,
    })
    const deps = createWebDeps({
      zoneRecords,
      updates,
      secondFactors,
      sessionStore: new SqlWebSessionStore(db),
      store: new SqlAccountStore(db, [ZONE]),
      passwords,
      hasher,
      accounts,
      lockouts: new LockoutAdmin({ store: new SqlLockoutStore(db), hasher, now: () => NOW }),
      auditLog: { list: (filter) => listAudit(db, filter) },
      clock: { now: () => NOW },
      clientIp: (req) => {
        const ip = parseIp(String(req.headers['x-test-client'] ?? '192.0.2.9'))
        if (!ip.ok) throw new Error('bad test address')
        return ip.value
      },
      // Lockouts after three bad passwords; four bad passwords per name from all addresses.
      gate: guards.gate,
      queryRates: { series: () => rates },
    })
    app = Fastify()
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, new URLSearchParams(typeof body === 'string' ? body : ''))
      },
    )
    registerWebRoutes(app, { ...deps, passwords })
    for (const name of ['root', 'alice', 'bob']) {
      assert.equal((await login(name, `${name}-password`)).statusCode, 303)
    }
  })
  after(async () => {
    await app.close()
    await db.destroy()
  })

  it('sends visitors without a session to the login page, keeping a same-site target', async () => {
    const r = await app.inject({ url: '/hosts?page=2' })
    assert.equal(r.statusCode, 303)
    assert.equal(r.headers.location, '/login?next=%2Fhosts%3Fpage%3D2')
    assert.equal((await app.inject({ url: '/' })).headers.location, '/login')
    assert.equal((await get('alice', '/')).headers.location, '/hosts')
  })

  it('redirects after login only to same-site paths', async () => {
    for (const [next, location] of [
      ['/tokens', '/tokens'],
      ['//evil.example/x', '/hosts'],
      ['/\\evil.example', '/hosts'],
      ['https://evil.example/', '/hosts'],
    ] as const) {
      const r = await login('bob', 'bob-password', next)
      assert.equal(r.headers.location, location, next)
    }
  })

  it('refuses a login form without its form token', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/login',
      ...form({ username: 'alice', password: 'alice-password' }),
    })
    assert.equal(r.statusCode, 403)
    assert.equal(r.headers['set-cookie']?.includes('dynzone_session'), false)
  })

  it('refuses a POST without the CSRF token and creates nothing', async () => {
    const r = await post('alice', '/hosts/new', { label: 'forged', zone: ZONE }, false)
    assert.equal(r.statusCode, 403)
    assert.equal(await hostRow('forged'), undefined)
    const ok = await post('alice', '/hosts/new', { label: 'office', zone: ZONE })
    assert.equal(ok.statusCode, 303)
    assert.ok(await hostRow('office'))
  })

  it('shows and changes only your own hosts and tokens', async () => {
    const home = await hostRow('home')
    assert.ok(home)
    assert.equal((await get('bob', `/hosts/${String(home.id)}`)).statusCode, 404)
    const ttl = await post('bob', `/hosts/${String(home.id)}/ttl`, {
      dns_ttl: '5',
      expiry_ttl: '0',
    })
    assert.equal(ttl.statusCode, 404)
    assert.equal((await hostRow('home'))?.dns_ttl, null)
    const created = await accounts.createToken({ owner: 'alice', label: 'router' })
    assert.ok(created.ok)
    const revoke = await post('bob', `/tokens/${String(created.value.token.id)}/revoke`, {})
    assert.equal(revoke.statusCode, 404)
    assert.equal((await accounts.listTokens('alice')).length, 1)
    assert.doesNotMatch((await get('bob', '/hosts')).body, /home\.dyn\.example/)
    assert.equal((await get('root', `/hosts/${String(home.id)}`)).statusCode, 200)
  })

  it('validates TTLs, changing nothing on bad input and bumping the serial on a change', async () => {
    const home = await hostRow('home')
    assert.ok(home)
    const serial = async () =>
      Number((await db.selectFrom('zones').select('serial').executeTakeFirstOrThrow()).serial)
    const before = await serial()
    for (const bad of [
      { dns_ttl: '0', expiry_ttl: '0' },
      { dns_ttl: 'abc', expiry_ttl: '0' },
      { dns_ttl: '300', expiry_ttl: '-1' },
      { dns_ttl: '300', expiry_ttl: '' },
    ]) {
      const r = await post('alice', `/hosts/${String(home.id)}/ttl`, bad)
      assert.equal(r.statusCode, 303, JSON.stringify(bad))
      assert.match((await follow('alice', r)).body, /class="error"[^>]*>TTLs unchanged: /)
    }
    assert.equal((await hostRow('home'))?.dns_ttl, null)
    assert.equal(await serial(), before)
    const r = await post('alice', `/hosts/${String(home.id)}/ttl`, {
      dns_ttl: '300',
      expiry_ttl: '86400',
    })
    assert.equal(r.statusCode, 303)
    const shown = (await follow('alice', r)).body
    assert.match(
      shown,
      /TTLs of home\.dyn\.example: DNS TTL zone default → 300 s; expiry never → 86400 s\./,
    )
    const after = await hostRow('home')
    assert.equal(after?.dns_ttl, 300)
    assert.equal(after.expiry_ttl, 86400)
    assert.ok((await serial()) > before)
  })

  it("refuses a host at, below or above another user's host, even to an admin", async () => {
    // alice owns home.<zone>: nobody else may create names on that branch.
    for (const [who, label] of [
      ['bob', 'sub.home'],
      ['bob', 'a.b.home'],
      ['bob', '_acme-challenge.home'],
      ['root', 'sub.home'],
    ] as const) {
      const r = await post(who, '/hosts/new', { label, zone: ZONE })
      assert.equal(r.statusCode, 303, `${who} at ${label}`)
      const again = await follow(who, r)
      assert.match(again.body, /Nothing created: .*belongs to host &quot;home\./)
      // The form comes back with what was typed.
      assert.match(again.body, new RegExp(`id="label"[^>]*value="${label}"`))
      assert.equal(await hostRow(label), undefined)
    }
    assert.equal(
      (await post('alice', '/hosts/new', { label: 'sub.home', zone: ZONE })).statusCode,
      303,
    )
    // bob above alice's host would own it: refused too.
    assert.equal((await post('alice', '/hosts/new', { label: 'x.up', zone: ZONE })).statusCode, 303)
    const above = await post('bob', '/hosts/new', { label: 'up', zone: ZONE })
    assert.match((await follow('bob', above)).body, /is above host &quot;x\.up\./)
    assert.equal(await hostRow('up'), undefined)
  })

  it('keeps admin pages to admins', async () => {
    const pages = ['/admin/dashboard', '/admin/users', '/admin/hosts', '/admin/zones']
    for (const url of [...pages, '/admin/lockouts']) {
      assert.equal((await get('alice', url)).statusCode, 403, url)
      assert.equal((await get('root', url)).statusCode, 200, url)
    }
    const r = await post('alice', '/admin/users', { name: 'mallory', password: 'mallory-pw1' })
    assert.equal(r.statusCode, 403)
    assert.equal(
      (await accounts.listUsers()).some((u) => u.name === 'mallory'),
      false,
    )
  })

  it('offers only served zones for new hosts and shows an unserved one as such', async () => {
    // A zone left in the database by an earlier config that named it.
    await syncZones(db, [{ name: 'gone.example' as Fqdn, backend: 'builtin', ttl: 60 }], NOW)
    const form = await get('alice', '/hosts/new')
    assert.equal(form.statusCode, 200)
    assert.match(form.body, new RegExp(`<option[^>]*value="${ZONE}"`))
    assert.doesNotMatch(form.body, /gone\.example/)
    const r = await post('alice', '/hosts/new', { label: 'x', zone: 'gone.example' })
    assert.equal(r.statusCode, 303)
    assert.match((await follow('alice', r)).body, /none of the served zones \(dyn\.example\)/)
    assert.equal(await hostRow('x'), undefined)
    const zones = (await get('root', '/admin/zones')).body
    assert.match(zones, /gone\.example<\/td>\s*<td[^>]*>no \(not in the config\)/)
  })

  it('escapes what users type', async () => {
    const r = await post('root', '/admin/users', {
      name: 'carol',
      email: '<script>alert(1)</script>@x',
      password: 'carol-password',
    })
    assert.equal(r.statusCode, 303)
    const page = (await get('root', '/admin/users')).body
    assert.doesNotMatch(page, /<script>alert/)
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;@x/)
  })

  it('answers a form with a redirect whose message names the change, shown once', async () => {
    const home = await hostRow('home')
    assert.ok(home)
    const r = await post('alice', `/hosts/${String(home.id)}/lan`, { lan_ipv4: '10.0.0.2' })
    assert.equal(r.statusCode, 303)
    assert.equal(r.headers.location, `/hosts/${String(home.id)}`)
    const shown = await follow('alice', r)
    assert.match(
      shown.body,
      /role="status">LAN addresses of home\.dyn\.example: IPv4 none → 10\.0\.0\.2\./,
    )
    // The page clears the cookie: a reload shows the page without the message.
    assert.match(String(shown.headers['set-cookie']), /dynzone_flash=; .*Max-Age=0/)
    assert.doesNotMatch((await get('alice', `/hosts/${String(home.id)}`)).body, /LAN addresses of/)
    // A flash sealed for one session means nothing in another, nor when tampered with.
    const flash = /dynzone_flash=([^;]*)/.exec(String(r.headers['set-cookie']))?.[1] ?? ''
    const url = '/hosts'
    for (const [name, value] of [
      ['bob', flash],
      ['alice', `${flash.slice(0, -2)}AA`],
    ] as const) {
      const cookie = `${cookies.get(name) ?? ''}; dynzone_flash=${value}`
      const page = await app.inject({ url, headers: { cookie } })
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /LAN addresses of/, name)
    }
  })

  it('shows a new secret once on the page after the redirect', async () => {
    const r = await post('alice', '/tokens', {
      host: `home.${ZONE}`,
      label: 'prg',
      scope: 'address',
    })
    assert.equal(r.statusCode, 303)
    assert.equal(r.headers.location, '/tokens/secret')
    const created = (await accounts.listTokens('alice')).find((t) => t.label === 'prg')
    assert.ok(created)
    const page = await follow('alice', r)
    assert.equal(page.statusCode, 200)
    const secret = /id="secret" class="secret">([a-z2-7]{32})</.exec(page.body)?.[1]
    assert.ok(secret !== undefined, 'the secret is shown')
    // The secret is not readable in the cookie that carried it.
    assert.ok(!String(r.headers['set-cookie']).includes(secret))
    // Reloading shows no secret and creates no second token.
    const again = await get('alice', '/tokens/secret')
    assert.equal(again.statusCode, 303)
    assert.doesNotMatch((await follow('alice', again)).body, new RegExp(secret))
    assert.equal((await accounts.listTokens('alice')).filter((t) => t.label === 'prg').length, 1)
  })

  it('revokes a token only after its confirmation page', async () => {
    const made = await accounts.createToken({ owner: 'alice', label: 'confirm-me' })
    assert.ok(made.ok)
    const path = `/tokens/${String(made.value.token.id)}/revoke`
    const bare = await post('alice', path, { back: '/tokens' })
    assert.equal(bare.statusCode, 303)
    assert.equal(bare.headers.location, `${path}?back=%2Ftokens`)
    assert.ok((await accounts.listTokens('alice')).some((t) => t.label === 'confirm-me'))
    const confirm = await get('alice', bare.headers.location)
    assert.equal(confirm.statusCode, 200)
    assert.match(confirm.body, /name="confirm" value="yes"/)
    assert.match(confirm.body, /<a href="\/tokens">Cancel<\/a>/)
    const done = await post('alice', path, { confirm: 'yes', back: '/tokens' })
    assert.equal(done.headers.location, '/tokens')
    assert.match(
      (await follow('alice', done)).body,
      /Token “confirm-me” \(any host, all\) revoked: its secret no longer works\./,
    )
    assert.equal(
      (await accounts.listTokens('alice')).some((t) => t.label === 'confirm-me'),
      false,
    )
  })

  it('changes an admin flag only after confirmation, naming old → new', async () => {
    const isAdmin = async () => (await accounts.listUsers()).find((u) => u.name === 'bob')?.isAdmin
    const bare = await post('root', '/admin/users/bob/admin', {})
    assert.equal(bare.headers.location, '/admin/users/bob/admin')
    assert.equal(await isAdmin(), false)
    const done = await post('root', '/admin/users/bob/admin', { confirm: 'yes' })
    assert.match((await follow('root', done)).body, /Admin flag of bob: no → yes\./)
    assert.equal(await isAdmin(), true)
    const back = await post('root', '/admin/users/bob/admin', { confirm: 'yes' })
    assert.match((await follow('root', back)).body, /Admin flag of bob: yes → no\./)
    assert.equal(await isAdmin(), false)
  })

  it("sets an address by hand or to the browser's own, through the address policy", async () => {
    const home = await hostRow('home')
    assert.ok(home)
    const reads = new SqlAccountStore(db, [ZONE])
    const path = `/hosts/${String(home.id)}/address`
    const page = await get('alice', `/hosts/${String(home.id)}`)
    assert.match(page.body, /Use my current address \(<code>192\.0\.2\.9<\/code>\)/)
    // Bad input and a private address (refused by the policy) change nothing.
    for (const [fields, why] of [
      [{ family: '4', address: 'not-an-ip' }, /IPv4 of home\.dyn\.example unchanged: /],
      [{ family: '4', address: '2001:db8::1' }, /IPv4 of home\.dyn\.example unchanged: /],
      [{ family: '4', address: '10.0.0.1' }, /IPv4 of home\.dyn\.example unchanged: .*10\.0\.0\.1/],
      [{ family: '6', mine: 'yes' }, /your current address 192\.0\.2\.9 is not an IPv6 address/],
    ] as const) {
      const r = await post('alice', path, fields)
      assert.equal(r.statusCode, 303)
      assert.match((await follow('alice', r)).body, why)
    }
    assert.equal((await reads.host(home.id))?.ipv4, null)
    const set = await post('alice', path, { family: '4', address: '8.8.4.4' })
    assert.match(
      (await follow('alice', set)).body,
      /IPv4 of home\.dyn\.example: none → 8\.8\.4\.4\./,
    )
    assert.equal((await reads.host(home.id))?.ipv4, '8.8.4.4')
    // "Use my current address": the address the server sees (here given by the test header).
    const mine = await app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookies.get('alice') ?? '',
        'x-test-client': '9.9.9.9',
      },
      payload: new URLSearchParams({
        family: '4',
        mine: 'yes',
        csrf: await csrfOf('alice'),
      }).toString(),
    })
    assert.match(
      (await follow('alice', mine)).body,
      /IPv4 of home\.dyn\.example: 8\.8\.4\.4 → 9\.9\.9\.9\./,
    )
    const history = (await reads.history(home.id, 10)).reverse()
    assert.deepEqual(
      history.map((h) => [h.dialect, h.newValue]),
      [
        ['web', '8.8.4.4,-'],
        ['web', '9.9.9.9,-'],
      ],
    )
    // Another user's host: nothing.
    const bob = await post('bob', path, { family: '4', address: '8.8.8.8' })
    assert.match((await follow('bob', bob)).body, /No such host\./)
    assert.equal((await reads.host(home.id))?.ipv4, '9.9.9.9')
  })

  it('locks a user out of logins from a source after repeated wrong passwords', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('bob', 'wrong-password')).statusCode, 401)
    const r = await login('bob', 'bob-password')
    assert.equal(r.statusCode, 429)
    assert.match(r.body, /Too many failed logins/)
    const admin = await get('root', '/admin/lockouts')
    assert.match(admin.body, /user:bob/)
    const lift = await post('root', '/admin/lockouts/lift', {
      subject: 'user:bob',
      source: '192.0.2.9',
    })
    assert.equal(lift.statusCode, 303)
    assert.equal((await login('bob', 'bob-password')).statusCode, 303)
  })

  it('bounds bad passwords for one name spread over addresses; known ones still log in', async () => {
    // One wrong password from each of four addresses: no address reaches its lockout.
    for (let i = 1; i <= 4; i++) {
      assert.equal(
        (await login('alice', 'wrong', undefined, `198.51.100.${String(i)}`)).statusCode,
        401,
      )
    }
    const fresh = await login('alice', 'alice-password', undefined, '198.51.100.99')
    assert.equal(fresh.statusCode, 429, 'a new address is refused, even with the right password')
    assert.match(fresh.body, /Too many failed logins for this account/)
    assert.equal((await login('alice', 'alice-password')).statusCode, 303, 'a known address')
  })

  it('draws the dashboard from a known history: per hour, busiest hosts, zones', async () => {
    assert.ok((await accounts.addHost({ fqdn: `busy.${ZONE}`, owner: 'bob' })).ok)
    const busy = await hostRow('busy')
    assert.ok(busy)
    const row = { host_id: busy.id, dialect: 'dyndns2', client_ip: '192.0.2.1', actor: 'bob' }
    const changes = ['20:05', '20:10', '20:55', '22:00', '22:01', '22:02', '22:03']
    await db
      .insertInto('update_history')
      .values(
        [...changes.map((t) => `2029-12-31T${t}:00.000Z`), '2029-12-31T00:30:00.000Z'].map(
          (at) => ({ ...row, at, result: 'good', old_value: '-,-', new_value: '192.0.2.1,-' }),
        ),
      )
      .execute()
    await db
      .insertInto('update_failures')
      .values(
        ['21:00', '21:30'].map((t) => ({
          ...row,
          at: `2029-12-31T${t}:00.000Z`,
          result: 'badauth',
          message: 'bad credentials',
        })),
      )
      .execute()
    await db
      .updateTable('zones')
      .set({
        resync_requested_at: '2029-12-31T23:00:00.000Z',
        resync_handled_at: '2029-12-31T23:00:00.000Z',
        resync_report: '2 RRsets repaired',
      })
      .where('name', '=', ZONE)
      .execute()
    await db
      .insertInto('publisher_leases')
      .values({
        zone: ZONE,
        holder: 'node-a',
        epoch: 1,
        acquired_at: '2029-12-31T23:59:00.000Z',
        expires_at: '2030-01-01T00:01:00.000Z',
      })
      .execute()
    await syncZones(db, [{ name: 'taken.example' as Fqdn, backend: 'builtin', ttl: 60 }], NOW)
    await db
      .updateTable('zones')
      .set({ owner_conflict: 'cluster-b' })
      .where('name', '=', 'taken.example')
      .execute()

    assert.equal((await get('root', '/admin')).headers.location, '/admin/dashboard')
    const r = await get('root', '/admin/dashboard')
    assert.equal(r.statusCode, 200)
    const title = (hour: string, updates: number, failed: number) =>
      `<title>2029-12-31 ${hour}:00: ${String(updates)} updates, ${String(failed)} failed</title>`
    assert.ok(r.body.includes(title('20', 3, 0)), 'three updates at 20:00')
    assert.ok(r.body.includes(title('21', 0, 2)), 'two failures at 21:00')
    assert.ok(r.body.includes(title('22', 4, 0)), 'four updates at 22:00')
    assert.equal(r.body.match(/<g class="hour"/g)?.length, 24)
    assert.match(r.body, /data-hour="2029-12-31T01"[\s\S]*data-hour="2030-01-01T00"/)
    assert.doesNotMatch(r.body, /data-hour="2029-12-31T00"/, 'older than a day is left out')
    assert.match(r.body, /<svg[^>]*role="img"/)
    assert.doesNotMatch(r.body, /style=/)
    const busiest = /<caption[^>]*>\s*Hosts with the most[\s\S]*?<\/table>/.exec(r.body)?.[0] ?? ''
    assert.match(
      busiest,
      /<tbody>\s*<tr>\s*<td[^>]*><a href="\/hosts\/\d+">busy\.dyn\.example<\/a><\/td>\s*<td[^>]*>7<\/td>/,
    )
    assert.match(r.body, /held by <code>node-a<\/code>/)
    assert.match(r.body, /2 RRsets repaired/)
    assert.match(r.body, /taken\.example[\s\S]*marked by cluster <code>cluster-b<\/code>/)
  })

  it('draws the DNS queries per second of the last hour and the current rate', async () => {
    const start = Date.parse('2029-12-31T23:00:00Z')
    rates = Array.from({ length: 360 }, (_, i) => ({
      at: start + (i + 1) * 10_000,
      perSecond: i === 100 ? 42 : i === 359 ? 2.5 : 1,
    }))
    const r = await get('root', '/admin/dashboard')
    assert.equal(r.statusCode, 200)
    assert.equal(r.body.match(/<g class="step"/g)?.length, 360)
    assert.ok(r.body.includes('<title>23:16:50: 42 queries per second</title>'), 'the peak step')
    assert.ok(r.body.includes('<title>23:00:10: 1 queries per second</title>'), 'the first step')
    assert.match(r.body, /Now: <strong>2\.50<\/strong> queries per second \(at 00:00:00/)
    assert.match(r.body, /<title id="qps-title">DNS queries per second/)
    assert.match(r.body, /peak 42 between 23:00:10 and 00:00:00/)
    assert.doesNotMatch(r.body, /style=/)
    // The tallest column fills the plot; a rate of 1 is 1/42 of it.
    assert.match(r.body, /<rect class="rate" x="\d+" y="12" width="\d+" height="120"/)
    rates = []
    const empty = await get('root', '/admin/dashboard')
    assert.match(empty.body, /No sample yet/)
    assert.doesNotMatch(empty.body, /<g class="step"/)
  })

  it('says so on the dashboard when no built-in DNS server runs', () => {
    const session = {
      userId: 1,
      userName: 'root',
      isAdmin: true,
      csrf: 'c',
      key: 'k',
      verifiedAt: null,
      pending: false,
    }
    const body = String(
      dashboardPage({ session, bars: [], busiest: [], zones: [], queryRates: null }),
    )
    assert.match(body, /The built-in DNS server is not running/)
    assert.doesNotMatch(body, /qps-title/)
  })

  describe('record editor', () => {
    const zonePath = `/admin/zones/${ZONE}/records`
    const sets = async (name: string) => {
      const r = await zoneRecords.list(ZONE, { name: name as Fqdn })
      assert.ok(r.ok)
      return r.value.map((x) => `${x.name} ${x.type} ${x.values.join('|')}`)
    }

    it('lets an admin add records of several types, each named in the message', async () => {
      const page = await get('root', zonePath)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<select id="record_type"/)
      assert.match(page.body, /10 mail\.example\.net\./, 'the MX value format is shown')
      for (const [name, type, value, shown] of [
        ['@', 'MX', '10 mail.example.net.', `Added ${ZONE}. MX 10 mail.example.net.`],
        ['www', 'CNAME', `home.${ZONE}.`, `Added www.${ZONE}. CNAME home.${ZONE}.`],
        [`_sip._tcp.${ZONE}.`, 'SRV', '10 5 5060 sip.example.net.', `Added _sip._tcp.${ZONE}. SRV`],
        ['@', 'CAA', '0 issue "letsencrypt.org"', `Added ${ZONE}. CAA 0 issue`],
        ['*.wild', 'TXT', 'hello', `Added *.wild.${ZONE}. TXT hello`],
      ] as const) {
        const r = await post('root', zonePath, {
          record_name: name,
          record_type: type,
          record_value: value,
          record_ttl: '300',
        })
        assert.equal(r.statusCode, 303, name)
        assert.equal(r.headers.location, zonePath)
        const next = await follow('root', r)
        assert.ok(next.body.includes(shown.replace(/"/g, '&quot;')), `${shown} in the message`)
      }
      assert.deepEqual(await sets(`www.${ZONE}`), [`www.${ZONE} CNAME home.${ZONE}`])
      assert.equal((await sets(ZONE)).filter((x) => x.includes(' MX ')).length, 1)
      const filtered = (await get('root', `${zonePath}?type=CNAME`)).body
      assert.match(filtered, /www\.dyn\.example\./)
      assert.doesNotMatch(filtered, /_sip\._tcp/)
    })

    it('refuses a CNAME beside other data, naming the record, and writes nothing', async () => {
      assert.equal(
        (
          await post('root', zonePath, {
            record_name: 'box',
            record_type: 'TXT',
            record_value: 'x',
          })
        ).statusCode,
        303,
      )
      const r = await post('root', zonePath, {
        record_name: 'box',
        record_type: 'CNAME',
        record_value: `home.${ZONE}.`,
      })
      assert.equal(r.statusCode, 303)
      const body = (await follow('root', r)).body
      assert.match(body, /Not added: [^<]*box\.dyn\.example\.? CNAME/)
      assert.deepEqual(await sets(`box.${ZONE}`), [`box.${ZONE} TXT "x"`])
    })

    it('refuses a form without its CSRF token and a records page to non-admins', async () => {
      const r = await post(
        'root',
        zonePath,
        { record_name: 'nocsrf', record_type: 'TXT', record_value: 'x' },
        false,
      )
      assert.equal(r.statusCode, 403)
      assert.deepEqual(await sets(`nocsrf.${ZONE}`), [])
      assert.equal((await get('alice', zonePath)).statusCode, 403)
      const a = await post('alice', zonePath, {
        record_name: 'alice',
        record_type: 'TXT',
        record_value: 'x',
      })
      assert.equal(a.statusCode, 403)
      assert.deepEqual(await sets(`alice.${ZONE}`), [])
    })

    it('lets an owner add below their own host, never at another host', async () => {
      assert.ok((await accounts.addHost({ fqdn: `work.${ZONE}`, owner: 'bob' })).ok)
      const home = await hostRow('home')
      assert.ok(home)
      const path = `/hosts/${String(home.id)}/records`
      const page = await get('alice', `/hosts/${String(home.id)}`)
      assert.match(page.body, /<h2 id="records">Records<\/h2>/)
      const r = await post('alice', path, {
        record_name: 'mail',
        record_type: 'MX',
        record_value: '10 mx.example.net.',
      })
      assert.equal(r.headers.location, `/hosts/${String(home.id)}`)
      assert.match((await follow('alice', r)).body, /Added mail\.home\.dyn\.example\. MX 10 mx/)
      assert.deepEqual(await sets(`mail.home.${ZONE}`), [`mail.home.${ZONE} MX 10 mx.example.net`])
      const other = await post('alice', path, {
        record_name: `www.work.${ZONE}.`,
        record_type: 'CNAME',
        record_value: `home.${ZONE}.`,
      })
      assert.match(
        (await follow('alice', other)).body,
        /Not added: [^<]*www\.work\.dyn\.example[^<]*work\.dyn\.example, which you do not own/,
      )
      assert.deepEqual(await sets(`www.work.${ZONE}`), [])
      // Bob cannot reach alice's host's editor at all.
      const bob = await post('bob', path, {
        record_name: 'b',
        record_type: 'TXT',
        record_value: 'x',
      })
      assert.equal(bob.statusCode, 404)
      assert.deepEqual(await sets(`b.home.${ZONE}`), [])
      // An NS is an admin's.
      const ns = await post('alice', path, {
        record_name: 'sub',
        record_type: 'NS',
        record_value: 'ns.example.net.',
      })
      assert.match((await follow('alice', ns)).body, /Not added: [^<]*delegations/)
      assert.deepEqual(await sets(`sub.home.${ZONE}`), [])
    })

    it('deletes an RRset or one value only through its confirmation page', async () => {
      for (const v of ['"one"', '"two"'])
        await post('root', zonePath, { record_name: 'del', record_type: 'TXT', record_value: v })
      assert.deepEqual(await sets(`del.${ZONE}`), [`del.${ZONE} TXT "one"|"two"`])
      const one = `${zonePath}/del.${ZONE}/TXT/${Buffer.from('"one"').toString('base64url')}/delete`
      const confirm = await get('root', one)
      assert.equal(confirm.statusCode, 200)
      assert.match(confirm.body, /name="confirm" value="yes"/)
      const unconfirmed = await post('root', one, {})
      assert.equal(unconfirmed.headers.location, one)
      assert.deepEqual(await sets(`del.${ZONE}`), [`del.${ZONE} TXT "one"|"two"`])
      const r = await post('root', one, { confirm: 'yes' })
      assert.match(
        (await follow('root', r)).body,
        /Deleted del\.dyn\.example\. TXT &quot;one&quot;\./,
      )
      assert.deepEqual(await sets(`del.${ZONE}`), [`del.${ZONE} TXT "two"`])
      const all = `${zonePath}/del.${ZONE}/TXT/delete`
      assert.match((await get('root', zonePath)).body, new RegExp(`href="${all}"`))
      const gone = await post('root', all, { confirm: 'yes' })
      assert.match((await follow('root', gone)).body, /Deleted del\.dyn\.example\. TXT\./)
      assert.deepEqual(await sets(`del.${ZONE}`), [])
      // A wildcard's link escapes its `*`; a `%` that is no escape finds nothing.
      const wild = `${zonePath}/%2A.wild.${ZONE}/TXT/delete`
      assert.match((await get('root', zonePath)).body, new RegExp(`href="${wild}"`))
      assert.equal((await get('root', `${zonePath}/%25zz/TXT/delete`)).statusCode, 404)
      const w = await post('root', wild, { confirm: 'yes' })
      assert.match((await follow('root', w)).body, /Deleted \*\.wild\.dyn\.example\. TXT\./)
      assert.deepEqual(await sets(`*.wild.${ZONE}`), [])
      // The owner deletes their own record on their host's page; another's is not found.
      const home = await hostRow('home')
      assert.ok(home)
      const mine = `/hosts/${String(home.id)}/records/mail.home.${ZONE}/MX/delete`
      assert.equal((await get('bob', mine)).statusCode, 404)
      const d = await post('alice', mine, { confirm: 'yes' })
      assert.match((await follow('alice', d)).body, /Deleted mail\.home\.dyn\.example\. MX\./)
      assert.deepEqual(await sets(`mail.home.${ZONE}`), [])
    })
  })
})
