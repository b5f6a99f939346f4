/**
 * Every door that takes a credential goes through the one credential gate. The test walks
 * every HTTP route the dialect registry serves, every REST API route, acme-dns `/register`
 * and the web login, sends each a wrong credential (in every place a dialect reads one) from
 * its own client address, and requires a failure counted for that address; a DNS UPDATE with
 * a bad TSIG MAC counts in the same address budget. Then the holes the gate closes: the
 * `/register` password oracle, lockouts of token routers by spread guessing, and names that
 * name no user kept in clear. A real server (SQLite, argon2) in-process, through `inject()`.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { InjectOptions } from 'fastify'
import { parseIp, type IpAddress } from '../core/addresses/addresses.ts'
import { DOORS, liftSubjects, type Door } from '../core/auth/credential-gate.ts'
import { Secret } from '../core/auth/secret.ts'
import { createDialects } from '../dialects/registry.ts'
import { dialectSettings } from '../config/dialect-settings.ts'
import { createDispatcher } from '../authoritative/dispatch.ts'
import { ZoneIndex } from '../authoritative/index/zone-index.ts'
import { signMessage } from '../dns/tsig.ts'
import { apiRoutes } from '../api/register.ts'
import { startApiFixture, ZONE, type ApiFixture } from '../../test/fakes/api-server.ts'
import { tokenHash } from '../core/accounts/accounts.ts'
import { sftdynPlan } from '../core/import/import-secrets.ts'
import { applyImport } from '../store/import-store.ts'
import { liftLockout, listLockouts } from '../store/lockout-store.ts'

const HOST = `home.${ZONE}`
const TXT = 'XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs'
// Every place a dialect reads a credential from, all wrong.
const QUERY = new URLSearchParams({
  hostname: HOST,
  domains: 'home',
  token: 'wrong-token-wrong-token',
  key: 'wrong-key-wrong-key',
  username: 'alice',
  password: 'wrong',
  myip: '198.51.100.1',
  txt: TXT,
  subdomain: HOST,
}).toString()
const BASIC = `Basic ${Buffer.from('alice:wrong').toString('base64')}`
// Routes that take no credential at all: the caller's address.
const NO_CREDENTIAL = new Set(['checkip', 'sftdyn GET /'])

let fx: ApiFixture
let next = 0
/** A client address no other request used. */
const fresh = (): string => `192.0.2.${String(++next)}`

const send = (o: InjectOptions & { from: string }) =>
  fx.server.http.inject({ ...o, remoteAddress: o.from })

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`

async function lockoutRows(source: string) {
  return fx.context.db.selectFrom('lockouts').selectAll().where('source', '=', source).execute()
}

function ip(text: string): IpAddress {
  const r = parseIp(text)
  if (!r.ok) throw new Error(text)
  return r.value
}

function concrete(path: string): string {
  return path
    .replace(':domain', HOST)
    .replace(':token', 'wrong-token-wrong-token')
    .replace(':ip', '198.51.100.1')
    .replace('*', 'wrong-key-wrong-key')
    .replace(/\{[a-zA-Z]+\}/g, '1')
}

describe('every credential door goes through the gate', () => {
  let aliceToken = ''
  before(async () => {
    fx = await startApiFixture({
      rate_limit: { account_bad_max: 20 },
      security: { lockout_threshold: 5 },
    })
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      await fx.user(name, { password: `${name} right password` })
    }
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const r = await fx.context.accounts.addHost({ fqdn: `${name}.${ZONE}`, owner: name })
      assert.ok(r.ok)
    }
    assert.ok((await fx.context.accounts.addHost({ fqdn: HOST, owner: 'alice' })).ok)
    aliceToken = await fx.token('alice', 'all')
  })
  after(async () => {
    await fx.close()
  })

  it('counts a failure at every route that takes a credential', async () => {
    const { config } = fx.context
    const dialects = createDialects(dialectSettings(config, () => new Date()))
    const doors: { name: string; request: InjectOptions }[] = []
    for (const d of dialects) {
      for (const r of d.routes) {
        const name = `${d.name} ${r.method} ${r.path}`
        if (NO_CREDENTIAL.has(d.name) || NO_CREDENTIAL.has(name)) continue
        doors.push({
          name,
          request: {
            method: r.method,
            // An sftdyn key is the whole rest of the URL: the query would make it longer than
            // any key can be (src/core/auth/sftdyn-keys.ts), an unknown page rather than a bad key.
            url: d.name === 'sftdyn' ? concrete(r.path) : `${concrete(r.path)}?${QUERY}`,
            headers: {
              authorization: BASIC,
              'x-api-user': 'alice',
              'x-api-key': 'wrong-key-wrong-key',
              'content-type': 'application/x-www-form-urlencoded',
            },
            ...(r.method === 'POST' ? { payload: QUERY } : {}),
          },
        })
      }
    }
    doors.push({
      name: 'acme-dns POST /register',
      request: { method: 'POST', url: '/register', headers: { authorization: BASIC } },
    })
    for (const r of apiRoutes(fx.deps).filter((x) => !x.public)) {
      doors.push({
        name: `api ${r.method} ${r.path}`,
        request: {
          method: r.method,
          url: `/api/v1${concrete(r.path)}`,
          headers: { authorization: 'Bearer wrong-token-wrong-token' },
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }),
        },
      })
    }
    assert.ok(doors.length > 20, `only ${String(doors.length)} doors found`)
    const silent: string[] = []
    for (const door of doors) {
      const from = fresh()
      const res = await send({ ...door.request, from })
      if ((await lockoutRows(from)).length === 0)
        silent.push(`${door.name} (${String(res.statusCode)})`)
    }
    // The web login takes its form token from the page first.
    const from = fresh()
    const page = await send({ method: 'GET', url: '/login', from })
    const form = /dynzone_login=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1] ?? ''
    await send({
      method: 'POST',
      url: '/login',
      from,
      headers: {
        cookie: `dynzone_login=${form}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ form, username: 'alice', password: 'wrong' }).toString(),
    })
    if ((await lockoutRows(from)).length === 0) silent.push('web POST /login')
    assert.deepEqual(silent, [], 'routes that took a wrong credential and counted nothing')
  })

  it('counts a bad TSIG MAC over TCP in the same address budget as bad passwords, not over UDP', async () => {
    const client = fresh()
    const right = { name: 'k1', algorithm: 'hmac-sha256' as const, secret: new Secret('AAAA') }
    const wrong = { ...right, secret: new Secret('BBBB') }
    const dispatch = createDispatcher({
      index: new ZoneIndex(),
      onError: () => () => undefined,
      update: {
        keys: new Map([['k1', { key: right, principal: { keyName: 'k1', grants: [] } }]]),
        updates: { update: () => Promise.reject(new Error('never reached')) },
        now: () => Date.now() / 1000,
        // As the composition root wires it.
        keyFailed: (c) => {
          fx.server.gate.keyChecked('dns-update', ip(c), false)
        },
      },
    })
    // An UPDATE header (opcode 5), no records.
    const header = Buffer.from([0x12, 0x34, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    const signed = signMessage(header, wrong, { now: Date.now() / 1000 })
    assert.ok(signed.ok)
    const { bad_max } = fx.context.config.rate_limit
    const login = () =>
      send({
        method: 'GET',
        url: `/nic/update?hostname=alice.${ZONE}`,
        from: client,
        headers: { authorization: basic('alice', 'alice right password') },
      })
    // Over UDP the source can be forged: bad MACs from there spend nobody's budget.
    for (let i = 0; i < bad_max; i++) await dispatch('udp')(signed.value.message, client)
    assert.notEqual((await login()).statusCode, 429, 'forged UDP spent the budget')
    for (let i = 0; i < bad_max; i++) await dispatch('tcp')(signed.value.message, client)
    assert.equal(
      (await login()).statusCode,
      429,
      'the address spent its failure budget on bad MACs',
    )
  })

  it('names each door the gate knows', () => {
    const covered: Record<Door, string> = {
      update: 'dialect routes',
      'acme-register': 'POST /register',
      api: 'API routes',
      'web-login': 'POST /login',
      'dns-update': 'TSIG',
    }
    assert.deepEqual(Object.keys(covered).sort(), [...DOORS].sort())
  })

  it('/register is no password oracle: locked after repeated failures, right one refused', async () => {
    const from = fresh()
    const statuses = new Set<number>()
    for (let i = 0; i < 150; i++) {
      const r = await send({
        method: 'POST',
        url: `/register?host=carol.${ZONE}`,
        from,
        headers: { authorization: basic('carol', `guess ${String(i)}`) },
      })
      statuses.add(r.statusCode)
    }
    assert.deepEqual([...statuses].sort(), [401, 429])
    const right = await send({
      method: 'POST',
      url: `/register?host=carol.${ZONE}`,
      from,
      headers: { authorization: basic('carol', 'carol right password') },
    })
    assert.equal(right.statusCode, 429, 'the right password is refused while locked')
    assert.doesNotMatch(right.body, /password/)
  })

  it('/register shares the account-wide budget with /nic/update', async () => {
    const { account_bad_max } = fx.context.config.rate_limit
    for (let i = 0; i < account_bad_max; i++) {
      const r = await send({
        method: 'GET',
        url: `/nic/update?hostname=dave.${ZONE}`,
        from: fresh(),
        headers: { authorization: basic('dave', `guess ${String(i)}`) },
      })
      assert.equal(r.statusCode, 401)
    }
    const r = await send({
      method: 'POST',
      url: `/register?host=dave.${ZONE}`,
      from: fresh(),
      headers: { authorization: basic('dave', 'dave right password') },
    })
    assert.equal(r.statusCode, 429, 'a new address, over the name’s budget')
  })

  it('counts bad bearer tokens: an address guessing API tokens gets locked', async () => {
    const from = fresh()
    const codes: number[] = []
    for (let i = 0; i < 7; i++) {
      const r = await fx.server.http.inject({
        method: 'GET',
        url: '/api/v1/hosts',
        remoteAddress: from,
        headers: { authorization: `Bearer guess-${String(i)}` },
      })
      codes.push(r.statusCode)
    }
    assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429])
  })

  it('never lets an address over its failure budget refuse a valid generated token', async () => {
    // A router behind carrier-grade NAT shares its address with whoever guesses there.
    const bobToken = await fx.token('bob', 'all')
    const { bad_max } = fx.context.config.rate_limit
    const shared = fresh()
    for (let i = 0; i < bad_max + 5; i++) {
      await send({
        method: 'GET',
        url: `/nic/update?hostname=bob.${ZONE}`,
        from: shared,
        headers: { authorization: basic(`nobody${String(i)}`, `guess ${String(i)}`) },
      })
    }
    const guess = await send({
      method: 'GET',
      url: `/nic/update?hostname=bob.${ZONE}`,
      from: shared,
      headers: { authorization: basic('bob', 'one more guess') },
    })
    assert.equal(guess.statusCode, 429, 'the guesser is held')
    const token = await send({
      method: 'GET',
      url: `/nic/update?hostname=bob.${ZONE}&myip=198.51.100.8`,
      from: shared,
      headers: { authorization: basic('bob', bobToken) },
    })
    assert.equal(token.statusCode, 200, token.body)
    assert.match(token.body, /^(good|nochg) /)
  })

  it('never lets password guesses lock out a valid generated token', async () => {
    const bobToken = await fx.token('bob', 'all')
    const { account_bad_max } = fx.context.config.rate_limit
    const guesser = fresh()
    // Over the name's budget from many addresses, and locked at one of them.
    for (let i = 0; i < account_bad_max + 5; i++) {
      await send({
        method: 'GET',
        url: `/nic/update?hostname=bob.${ZONE}`,
        from: i < 10 ? guesser : fresh(),
        headers: { authorization: basic('bob', `guess ${String(i)}`) },
      })
    }
    const password = await send({
      method: 'GET',
      url: `/nic/update?hostname=bob.${ZONE}&myip=198.51.100.7`,
      from: fresh(),
      headers: { authorization: basic('bob', 'bob right password') },
    })
    assert.equal(password.statusCode, 429, 'passwords from new addresses wait')
    for (const from of [fresh(), guesser]) {
      const token = await send({
        method: 'GET',
        url: `/nic/update?hostname=bob.${ZONE}&myip=198.51.100.7`,
        from,
        headers: { authorization: basic('bob', bobToken) },
      })
      assert.equal(token.statusCode, 200, `bob:TOKEN from ${from}: ${token.body}`)
      assert.match(token.body, /^(good|nochg) /)
    }
    // A secret imported from sftdyn is guessable: marked so at import, it keeps the budgets.
    const plan = sftdynPlan(`short-sftdyn-key: bob.${ZONE}\n`, {
      owner: 'bob',
      hash: (secret) => tokenHash(fx.context.hasher, secret),
      label: 'imported from sftdyn',
    })
    assert.ok(plan.ok)
    assert.ok(
      (
        await applyImport(fx.context.db, plan.value, {
          dryRun: false,
          served: fx.context.zones.map((z) => z.name),
          now: new Date(),
        })
      ).ok,
    )
    const weak = (from: string) =>
      send({ method: 'GET', url: '/short-sftdyn-key', from, headers: {} })
    for (let i = 0; i < 5; i++) {
      await send({ method: 'GET', url: `/wrong-key-${String(i)}`, from: guesser, headers: {} })
    }
    assert.equal((await weak(guesser)).statusCode, 429, 'locked like a password')
    assert.equal((await weak(fresh())).statusCode, 200, 'from elsewhere it works')
  })

  it('keeps a name that names no user only as a keyed hash; lift finds it by the clear name', async () => {
    const from = fresh()
    for (let i = 0; i < 5; i++) {
      await send({
        method: 'GET',
        url: `/nic/update?hostname=${HOST}`,
        from,
        headers: { authorization: basic(aliceToken, 'x') },
      })
    }
    const dump = JSON.stringify(
      await Promise.all(
        ['lockouts', 'update_failures', 'rate_counters', 'history'].map((t) =>
          fx.context.db
            .selectFrom(t as 'lockouts')
            .selectAll()
            .execute()
            .catch(() => []),
        ),
      ),
    )
    assert.ok(!dump.includes(aliceToken), 'the token is stored in clear')
    const listed = (await listLockouts(fx.context.db, new Date())).filter((l) => l.source === from)
    assert.equal(listed.length, 1)
    assert.match(listed[0]?.subject ?? '', /^unknown:[0-9a-f]{32}$/)
    assert.equal(await liftLockout(fx.context.db, liftSubjects(fx.context.hasher, aliceToken)), 1)
  })
})
