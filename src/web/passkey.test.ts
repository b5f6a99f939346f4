/**
 * The passkey rules against a real SQLite store, with assertions signed here by an ES256 key
 * (what an authenticator does): a challenge is used once and only by its session, a passkey
 * of another user is refused, the signature counter must move forward, and a late answer
 * finds no challenge.
 */
import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { Passkeys } from '../core/auth/passkeys.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { SqlSecondFactorStore } from '../store/second-factor-store.ts'
import { openSqlite } from '../store/sql/sqlite.ts'

const URL_ = 'https://dyn.example.test'
const b64url = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url')

interface Key {
  readonly id: string
  readonly priv: KeyObject
  readonly cose: string
}

// An ES256 key and its COSE form (kty EC2, alg -7, crv P-256, x, y).
function newKey(id: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const x = Buffer.from(jwk.x ?? '', 'base64url')
  const y = Buffer.from(jwk.y ?? '', 'base64url')
  const cose = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    x,
    Buffer.from([0x22, 0x58, 0x20]),
    y,
  ])
  return { id: b64url(id), priv: privateKey, cose: b64url(cose) }
}

// What navigator.credentials.get answers, signed by `key` over this challenge and counter.
function assertion(key: Key, challenge: string, counter: number): string {
  const clientData = JSON.stringify({ type: 'webauthn.get', challenge, origin: URL_ })
  const flags = Buffer.from([0x05])
  const count = Buffer.alloc(4)
  count.writeUInt32BE(counter)
  const rpHash = createHash('sha256').update('dyn.example.test').digest()
  const authData = Buffer.concat([rpHash, flags, count])
  const signed = Buffer.concat([authData, createHash('sha256').update(clientData).digest()])
  return JSON.stringify({
    id: key.id,
    rawId: key.id,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: b64url(clientData),
      authenticatorData: b64url(authData),
      signature: b64url(sign('sha256', signed, key.priv)),
    },
  })
}

void describe('passkeys', () => {
  let db: Kysely<Database>
  let passkeys: Passkeys
  let now = Date.parse('2026-12-07T12:00:00Z')
  const alice = newKey('alice-key')
  const bob = newKey('bob-key')
  let aliceId = 0
  let bobId = 0
  const challengeFor = async (session: string, userId: number): Promise<string> => {
    const o = await passkeys.signInOptions(session, userId)
    assert.ok(o !== undefined)
    return o.challenge
  }
  const counter = async (userId: number): Promise<number> =>
    (await new SqlSecondFactorStore(db).passkeys(userId))[0]?.counter ?? -1

  before(async () => {
    db = openSqlite(':memory:')
    assert.ok((await migrateToLatest(db as Kysely<unknown>)).ok)
    const store = new SqlSecondFactorStore(db)
    passkeys = new Passkeys({ store, clock: { now: () => new Date(now) }, publicUrl: URL_ })
    for (const name of ['alice', 'bob']) {
      await db
        .insertInto('users')
        .values({ name, email: null, password_hash: null, is_admin: 0, created_at: '2026' })
        .execute()
    }
    const id = async (name: string) =>
      (await db.selectFrom('users').select('id').where('name', '=', name).executeTakeFirstOrThrow())
        .id
    aliceId = await id('alice')
    bobId = await id('bob')
    for (const [userId, key] of [
      [aliceId, alice],
      [bobId, bob],
    ] as const) {
      await store.addPasskey(userId, {
        credentialId: key.id,
        publicKey: key.cose,
        counter: 0,
        transports: ['internal'],
        name: 'key',
        createdAt: '2026-12-07T11:00:00Z',
      })
    }
  })

  it('accepts a signed answer once: the challenge is used up', async () => {
    const c = await challengeFor('s-alice', aliceId)
    const answer = assertion(alice, c, 1)
    assert.equal(await passkeys.verify('s-alice', aliceId, answer), true)
    assert.equal(await counter(aliceId), 1)
    assert.equal(await passkeys.verify('s-alice', aliceId, answer), false)
    // A new challenge does not revive the old answer either.
    await challengeFor('s-alice', aliceId)
    assert.equal(await passkeys.verify('s-alice', aliceId, assertion(alice, c, 2)), false)
  })

  it("refuses another session's challenge and another user's passkey", async () => {
    const c = await challengeFor('s-alice', aliceId)
    assert.equal(await passkeys.verify('s-other', aliceId, assertion(alice, c, 3)), false)
    const cb = await challengeFor('s-bob', bobId)
    assert.equal(await passkeys.verify('s-bob', bobId, assertion(alice, cb, 3)), false)
    assert.equal(await counter(aliceId), 1)
  })

  it('refuses a counter that did not move forward', async () => {
    const c = await challengeFor('s-alice', aliceId)
    assert.equal(await passkeys.verify('s-alice', aliceId, assertion(alice, c, 1)), false)
    const c2 = await challengeFor('s-alice', aliceId)
    assert.equal(await passkeys.verify('s-alice', aliceId, assertion(alice, c2, 7)), true)
    assert.equal(await counter(aliceId), 7)
  })

  it('refuses an answer after the challenge expired, and garbage', async () => {
    const c = await challengeFor('s-alice', aliceId)
    now += 6 * 60_000
    assert.equal(await passkeys.verify('s-alice', aliceId, assertion(alice, c, 8)), false)
    await challengeFor('s-alice', aliceId)
    assert.equal(await passkeys.verify('s-alice', aliceId, '{"id":1'), false)
    assert.equal(await counter(aliceId), 7)
  })
})
