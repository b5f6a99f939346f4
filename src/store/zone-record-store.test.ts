/**
 * Static records over every SQL dialect, through the service every door calls: writes in one
 * transaction (serial bumped once, an audit row), the snapshot and its paged stream carrying
 * them, all edits or none, each ownership rule's precise refusal with nothing written, the
 * host limit, and a deleted host taking its records along.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { AccountService } from '../core/accounts/accounts.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import { Secret } from '../core/auth/secret.ts'
import type { Fqdn } from '../core/names.ts'
import { RECORD_TYPES, type RecordSet, type RecordType } from '../core/records.ts'
import type { Result } from '../core/result.ts'
import { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import type { RecordActor, RecordEdit } from '../core/zone-records/zone-record-types.ts'
import { zoneContentRules } from '../zone/zone-content-rules.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { SqlAccountStore } from './account-store.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'
import type { StoreZone } from './update-store.ts'
import { SqlZoneRecordStore } from './zone-record-store.ts'
import { readZone, streamZone, syncZones } from './zones.ts'

const ZONE = 'dyn.example' as Fqdn
const T1 = '2030-01-01T00:00:00.000Z'
const ADMIN: RecordActor = { kind: 'admin', label: 'cli' }
const CONTEXT = { context: { door: 'test', clientIp: null } }
const f = (name: string): Fqdn => name as Fqdn

let db: Kysely<Database>
let zone: StoreZone
let accounts: AccountService
let service: ZoneRecordService
let alice: RecordActor

async function value<T>(p: Promise<Result<T, unknown>>): Promise<T> {
  const r = await p
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}

async function serial(): Promise<number> {
  const row = await db.selectFrom('zones').select('serial').executeTakeFirstOrThrow()
  return Number(row.serial)
}

async function rows(): Promise<string[]> {
  const all = await db
    .selectFrom('zone_records')
    .select(['name', 'type', 'ttl', 'value', 'owner_host_id'])
    .orderBy('id')
    .execute()
  return all.map((r) => `${r.name} ${r.type} ${r.ttl} ${r.value} ${String(r.owner_host_id)}`)
}

const line = (s: RecordSet): string => `${s.name} ${s.type} ${s.ttl} ${s.values.join(' | ')}`

function serviceWith(maxPerHost: number): ZoneRecordService {
  return new ZoneRecordService({
    store: new SqlZoneRecordStore(db),
    rules: zoneContentRules,
    zones: new Map([[ZONE, { ttl: 60, ns: [f('ns1.example.net')], types: new Set(RECORD_TYPES) }]]),
    maxPerHost,
    now: () => new Date(T1),
  })
}

for (const dialect of STORE_DIALECTS) {
  void describe(`static records: ${dialect.name}`, () => {
    dialect.useServer()

    beforeEach(async () => {
      db = await dialect.fresh()
      const migrated = await migrateToLatest(db as Kysely<unknown>)
      assert.ok(migrated.ok, migrated.ok ? '' : migrated.error)
      ;[zone] = (await syncZones(
        db,
        [{ name: ZONE, backend: 'builtin', ttl: 60 }],
        new Date(T1),
      )) as [StoreZone]
      const store = new SqlAccountStore(db, [ZONE])
      accounts = new AccountService({
        store,
        passwords: {
          hash: (p) => Promise.resolve(`plain:${p}`),
          verify: () => Promise.resolve(true),
        },
        hasher: createKeyedHasher(new Secret('a test pepper of at least 32 characters')),
        randomBytes: (size) => new Uint8Array(size).fill(7),
        now: () => new Date(T1),
      })
      await value(accounts.addUser({ name: 'alice' }))
      await value(accounts.addUser({ name: 'bob' }))
      await value(accounts.addHost({ fqdn: `home.${ZONE}`, owner: 'alice' }))
      const user = await store.userByName('alice')
      const bob = await store.userByName('bob')
      assert.ok(user && bob)
      // A host of another user below alice's (as an admin may set up; users cannot).
      await db
        .insertInto('hosts')
        .values({
          zone_id: zone.id,
          label: 'lab.home',
          owner_id: bob.id,
          dns_ttl: null,
          expiry_ttl: 0,
          created_at: T1,
        })
        .execute()
      alice = { kind: 'user', userId: user.id, label: 'alice' }
      service = serviceWith(3)
    })

    afterEach(async () => {
      await db.destroy()
    })

    it('writes in one transaction: rows canonical, one serial bump, an audit row; the snapshot serves them', async () => {
      const before = await serial()
      const applied = await value(
        service.apply(
          ADMIN,
          ZONE,
          [
            { op: 'add', name: f(ZONE), type: 'MX', value: '10 Mail.Example.net.' },
            { op: 'add', name: f(`WWW.${ZONE}.`), type: 'CNAME', ttl: 300, value: `home.${ZONE}` },
            {
              op: 'replace',
              name: f(`_sip._tcp.${ZONE}`),
              type: 'SRV',
              values: ['0 5 5060 sip.example.net', '1 5 5060 sip2.example.net'],
            },
          ],
          CONTEXT,
        ),
      )
      assert.equal(applied.serial, await serial())
      assert.ok((await serial()) > before)
      assert.deepEqual(await rows(), [
        'dyn.example MX 60 10 Mail.Example.net null',
        'www.dyn.example CNAME 300 home.dyn.example null',
        '_sip._tcp.dyn.example SRV 60 0 5 5060 sip.example.net null',
        '_sip._tcp.dyn.example SRV 60 1 5 5060 sip2.example.net null',
      ])
      const audit = await db
        .selectFrom('audit_events')
        .select(['action', 'actor', 'target'])
        .execute()
      assert.deepEqual(audit, [
        {
          action: 'test records',
          actor: 'cli',
          target:
            'dyn.example: =dyn.example MX, =www.dyn.example CNAME, =_sip._tcp.dyn.example SRV',
        },
      ])
      const snapshot = await readZone(db, zone)
      assert.equal(snapshot.serial, applied.serial)
      assert.deepEqual(snapshot.records.map(line).sort(), [
        '_sip._tcp.dyn.example SRV 60 0 5 5060 sip.example.net | 1 5 5060 sip2.example.net',
        'dyn.example MX 60 10 Mail.Example.net',
        'www.dyn.example CNAME 300 home.dyn.example',
      ])
      // Paged by name, a name cut by a page's end read whole: the same RRsets.
      const paged: RecordSet[] = []
      await streamZone(db, zone, (s) => paged.push(s), 1)
      assert.deepEqual(paged.map(line).sort(), snapshot.records.map(line).sort())
      const listed = await value(service.list(ZONE, { type: 'SRV' }))
      assert.deepEqual(
        listed.map((s) => [s.name, s.values.length, s.ownerHostId]),
        [['_sip._tcp.dyn.example', 2, null]],
      )
    })

    it('all edits or none: a bad edit after good ones writes nothing', async () => {
      const before = await serial()
      const r = await service.apply(
        ADMIN,
        ZONE,
        [
          { op: 'add', name: f(`a.${ZONE}`), type: 'A', value: '192.0.2.1' },
          { op: 'add', name: f(`a.${ZONE}`), type: 'CNAME', value: 'x.example.net' },
        ],
        CONTEXT,
      )
      assert.deepEqual(r, {
        ok: false,
        error: {
          code: 'invalid',
          message:
            'a.dyn.example. CNAME: a CNAME must be alone at its name (RFC 1034 §3.6.2), here beside A',
        },
      })
      assert.deepEqual(await rows(), [])
      assert.equal(await serial(), before)
    })

    const refusals: [string, RecordEdit, string, string][] = [
      [
        'A at the own host name',
        { op: 'add', name: f(`home.${ZONE}`), type: 'A', value: '192.0.2.1' },
        'forbidden',
        "home.dyn.example. A: A at a host's own name is the host's dynamic address data: update it through the host",
      ],
      [
        'CNAME at the host name',
        { op: 'add', name: f(`home.${ZONE}`), type: 'CNAME', value: 'x.example.net' },
        'forbidden',
        "home.dyn.example. CNAME: a host's owner may put MX, CAA, SRV, SSHFP, TLSA, HTTPS, SVCB at the host's name",
      ],
      [
        'a delegation below the host',
        { op: 'add', name: f(`sub.home.${ZONE}`), type: 'NS', value: 'ns.example.net' },
        'forbidden',
        'sub.home.dyn.example. NS: delegations are made by admins',
      ],
      [
        'below another host',
        { op: 'add', name: f(`x.lab.home.${ZONE}`), type: 'TXT', value: 'hi' },
        'forbidden',
        'x.lab.home.dyn.example. TXT: at or below the host lab.home.dyn.example, which you do not own',
      ],
      [
        'outside any host',
        { op: 'add', name: f(`www.${ZONE}`), type: 'A', value: '192.0.2.1' },
        'forbidden',
        'www.dyn.example. A: only at or below a host you own',
      ],
      [
        'a name outside the zone',
        { op: 'add', name: f('www.example.net'), type: 'A', value: '192.0.2.1' },
        'invalid',
        'www.example.net. A: not in the zone dyn.example',
      ],
      [
        'a bad value',
        { op: 'add', name: f(`home.${ZONE}`), type: 'MX', value: '10' },
        'invalid',
        'home.dyn.example. MX: MX needs 2 fields, got 1',
      ],
      [
        'a bad TTL',
        { op: 'add', name: f(`home.${ZONE}`), type: 'MX', ttl: -1, value: '10 mx.example.net' },
        'invalid',
        'home.dyn.example. MX: TTL -1 is outside 0..2147483647',
      ],
      [
        'the ACME name',
        { op: 'add', name: f(`_acme-challenge.home.${ZONE}`), type: 'TXT', value: 'x' },
        'invalid',
        "_acme-challenge.home.dyn.example. TXT: the TXT at a host's _acme-challenge name is written by ACME clients (the update door)",
      ],
      [
        'a missing RRset',
        { op: 'delete', name: f(`home.${ZONE}`), type: 'MX' },
        'not-found',
        'home.dyn.example. MX: no such RRset',
      ],
    ]
    for (const [what, edit, code, message] of refusals) {
      it(`a host's owner is refused ${what}, and nothing is written`, async () => {
        const before = await serial()
        assert.deepEqual(await service.apply(alice, ZONE, [edit], CONTEXT), {
          ok: false,
          error: { code, message },
        })
        assert.deepEqual(await rows(), [])
        assert.equal(await serial(), before)
      })
    }

    it("a host's owner writes at and below the host, up to records.max_per_host; the zone's RRsets stay admins'", async () => {
      const home = (
        await db
          .selectFrom('hosts')
          .select('id')
          .where('label', '=', 'home')
          .executeTakeFirstOrThrow()
      ).id
      await value(
        service.apply(
          alice,
          ZONE,
          [{ op: 'add', name: f(`home.${ZONE}`), type: 'MX', value: '10 mx.example.net' }],
          CONTEXT,
        ),
      )
      await value(
        service.apply(
          alice,
          ZONE,
          [
            {
              op: 'replace',
              name: f(`*.home.${ZONE}`),
              type: 'A',
              values: ['192.0.2.7', '192.0.2.8'],
            },
          ],
          CONTEXT,
        ),
      )
      const over = await service.apply(
        alice,
        ZONE,
        [{ op: 'add', name: f(`www.home.${ZONE}`), type: 'TXT', value: 'one too many' }],
        CONTEXT,
      )
      assert.deepEqual(over, {
        ok: false,
        error: {
          code: 'invalid',
          message:
            "a host's owner may hold at most 3 static record values (records.max_per_host); this change would make 4",
        },
      })
      assert.deepEqual(
        (await value(service.list(ZONE, { ownerHostId: home }))).map((s) => `${s.name} ${s.type}`),
        [`*.home.${ZONE} A`, `home.${ZONE} MX`],
      )
      // An admin's RRset below the host is not the owner's to change.
      await value(
        service.apply(
          ADMIN,
          ZONE,
          [{ op: 'add', name: f(`adm.home.${ZONE}`), type: 'TXT', value: 'admin' }],
          CONTEXT,
        ),
      )
      assert.deepEqual(
        await service.apply(
          alice,
          ZONE,
          [{ op: 'delete-name', name: f(`adm.home.${ZONE}`) }],
          CONTEXT,
        ),
        {
          ok: false,
          error: {
            code: 'forbidden',
            message:
              'adm.home.dyn.example. TXT: the RRset belongs to the zone: an admin changes it',
          },
        },
      )
      // Deleting the host deletes what its owner wrote, not the zone's.
      await value(accounts.deleteHost(`home.${ZONE}`))
      assert.deepEqual(await rows(), ['adm.home.dyn.example TXT 60 "admin" null'])
    })

    it('checks the neighbours: glue below a delegation, DS only at one, a delegation over existing data', async () => {
      const add = (name: string, type: RecordType, v: string) =>
        service.apply(ADMIN, ZONE, [{ op: 'add', name: f(name), type, value: v }], CONTEXT)
      await value(add(`x.sub.${ZONE}`, 'TXT', 'data'))
      assert.deepEqual(await add(`sub.${ZONE}`, 'NS', `ns1.sub.${ZONE}`), {
        ok: false,
        error: {
          code: 'invalid',
          message:
            'x.sub.dyn.example. TXT: below the delegation at sub.dyn.example.: only A/AAAA glue for its NS targets may be there',
        },
      })
      await value(
        service.apply(ADMIN, ZONE, [{ op: 'delete-name', name: f(`x.sub.${ZONE}`) }], CONTEXT),
      )
      await value(add(`sub.${ZONE}`, 'NS', `ns1.sub.${ZONE}`))
      await value(add(`ns1.sub.${ZONE}`, 'A', '192.0.2.53'))
      await value(
        add(
          `sub.${ZONE}`,
          'DS',
          '60485 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        ),
      )
      assert.deepEqual(await add(`ns2.sub.${ZONE}`, 'A', '192.0.2.54'), {
        ok: false,
        error: {
          code: 'invalid',
          message:
            'ns2.sub.dyn.example. A: below the delegation at sub.dyn.example.: only A/AAAA glue for its NS targets may be there',
        },
      })
      assert.equal((await rows()).length, 3)
    })
  })
}
