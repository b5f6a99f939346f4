import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { STORE_DIALECTS } from '../../test/helpers/store-dialects.ts'
import { LeaseKeeper, type SessionLocks } from './lease.ts'
import { SqlLeaseStore } from './lease-store.ts'

const ZONE = 'dyn.example' as Fqdn
const T0 = Date.parse('2026-01-01T00:00:00Z')
const at = (s: number): Date => new Date(T0 + s * 1000)
const quiet = { info: () => undefined, warn: () => undefined }

let db: Kysely<Database>

// The conditional UPDATEs must decide the same way on every SQL dialect.
for (const dialect of STORE_DIALECTS) {
  void describe(`SqlLeaseStore on ${dialect.name}`, () => {
    dialect.useServer()
    beforeEach(async () => {
      db = await dialect.fresh()
      const m = await migrateToLatest(db as Kysely<unknown>)
      assert.ok(m.ok, m.ok ? '' : m.error)
    })
    afterEach(async () => {
      await db.destroy()
    })
    leaseStoreCases()
  })
}

function leaseStoreCases(): void {
  it('gives a zone to one holder until it expires, with a new epoch per holder', async () => {
    const s = new SqlLeaseStore(db)
    assert.equal(await s.acquire(ZONE, 'a', at(0), at(15)), 1)
    assert.equal(await s.acquire(ZONE, 'b', at(5), at(20)), undefined)
    assert.equal(await s.renew(ZONE, 'a', 1, at(25)), true)
    assert.equal(await s.acquire(ZONE, 'b', at(24), at(39)), undefined)
    assert.equal(await s.acquire(ZONE, 'b', at(25), at(40)), 2)
    // The old holder finds out on its next renewal and can no longer record anything.
    assert.equal(await s.renew(ZONE, 'a', 1, at(41)), false)
    assert.equal(await s.recordPublished(ZONE, 'a', 1, 7), false)
    assert.equal(await s.publishedSerial(ZONE), undefined)
    assert.equal(await s.recordPublished(ZONE, 'b', 2, 8), true)
    assert.equal(await s.publishedSerial(ZONE), 8)
  })

  it('lets a holder take its own lease back at once (a restart) and frees it on release', async () => {
    const s = new SqlLeaseStore(db)
    assert.equal(await s.acquire(ZONE, 'a', at(0), at(15)), 1)
    assert.equal(await s.acquire(ZONE, 'a', at(1), at(16)), 2)
    await s.release(ZONE, 'a', 1) // a stale epoch releases nothing
    assert.equal(await s.acquire(ZONE, 'b', at(2), at(17)), undefined)
    await s.release(ZONE, 'a', 2)
    assert.equal(await s.acquire(ZONE, 'b', at(2), at(17)), 3)
  })

  it('keeps zones apart', async () => {
    const s = new SqlLeaseStore(db)
    assert.equal(await s.acquire(ZONE, 'a', at(0), at(15)), 1)
    assert.equal(await s.acquire('other.example', 'b', at(0), at(15)), 1)
  })
}

void describe('LeaseKeeper', () => {
  beforeEach(async () => {
    db = openSqlite(':memory:')
    const m = await migrateToLatest(db as Kysely<unknown>)
    assert.ok(m.ok)
  })
  afterEach(async () => {
    await db.destroy()
  })

  function keeper(id: string, clock: { wall: number; mono: number }, won: Fqdn[]): LeaseKeeper {
    return new LeaseKeeper({
      store: new SqlLeaseStore(db),
      instanceId: id,
      zones: [ZONE],
      leaseMs: 3000,
      now: () => new Date(T0 + clock.wall),
      monotonic: () => clock.mono,
      logger: quiet,
      onAcquired: (zone) => {
        won.push(zone)
        return Promise.resolve()
      },
      pollMs: 5,
    })
  }

  it('moves a zone to the other instance once the holder stops renewing', async () => {
    const clockA = { wall: 0, mono: 0 }
    const clockB = { wall: 0, mono: 0 }
    const wonB: Fqdn[] = []
    const a = keeper('a', clockA, [])
    const b = keeper('b', clockB, wonB)
    await a.tick()
    await b.tick()
    b.start()
    assert.equal(a.holds(ZONE), true)
    assert.equal(b.holds(ZONE), false)
    assert.equal(a.holds('builtin.example' as Fqdn), true, 'zones without a lease are always held')
    // A stalls: it stops pushing at two thirds of the lease, before anyone may take over.
    clockA.mono = 2000
    assert.equal(a.holds(ZONE), false)
    clockB.wall = 2999
    await b.tick()
    assert.equal(b.holds(ZONE), false)
    clockB.wall = 3000
    await b.tick()
    assert.equal(b.holds(ZONE), true)
    assert.deepEqual(wonB, [ZONE])
    // A's next renewal fails: it knows it lost the zone.
    await a.tick()
    assert.equal(a.holds(ZONE), false)
    await b.stop()
    await a.stop()
  })

  it('renewals keep the lease; stop releases it to the other instance at once', async () => {
    const clock = { wall: 0, mono: 0 }
    const a = keeper('a', clock, [])
    const b = keeper('b', { wall: 100, mono: 0 }, [])
    await a.tick()
    for (let s = 1; s <= 5; s++) {
      clock.wall = s * 1000
      clock.mono = s * 1000
      await a.tick()
      assert.equal(a.holds(ZONE), true)
    }
    await a.stop()
    await b.tick()
    assert.equal(b.holds(ZONE), true)
  })

  /** Locks shared by sessions of one fake server: a session's locks go when it dies. */
  class FakeLockServer {
    readonly owners = new Map<string, FakeSession>()
    session(): FakeSession {
      return new FakeSession(this)
    }
  }
  class FakeSession implements SessionLocks {
    session = 1
    /** Like the servers: each lock taken counts, each unlock releases one count. */
    readonly counts = new Map<string, number>()
    /** Round trips fail without the session noticing (a silent network). */
    silent = false
    constructor(private readonly server: FakeLockServer) {}
    tryLock(zone: string): Promise<boolean> {
      const owner = this.server.owners.get(zone)
      if (owner !== undefined && owner !== this) return Promise.resolve(false)
      this.server.owners.set(zone, this)
      this.counts.set(zone, (this.counts.get(zone) ?? 0) + 1)
      return Promise.resolve(true)
    }
    unlock(zone: string): Promise<void> {
      const left = (this.counts.get(zone) ?? 0) - 1
      if (left > 0) this.counts.set(zone, left)
      else {
        this.counts.delete(zone)
        if (this.server.owners.get(zone) === this) this.server.owners.delete(zone)
      }
      return Promise.resolve()
    }
    ping(): Promise<void> {
      return this.silent ? Promise.reject(new Error('timeout')) : Promise.resolve()
    }
    /** The server dropped this session: its locks are gone, the next use opens a new one. */
    die(): void {
      for (const [zone, owner] of this.server.owners)
        if (owner === this) this.server.owners.delete(zone)
      this.counts.clear()
      this.session += 1
    }
    close(): Promise<void> {
      this.die()
      return Promise.resolve()
    }
  }

  /** A lease store whose renewals hang or whose acquisitions fail, on demand. */
  class FaultyStore extends SqlLeaseStore {
    hang = false
    onAcquire: () => void = () => undefined
    override renew(zone: string, holder: string, epoch: number, until: Date): Promise<boolean> {
      return this.hang ? new Promise(() => undefined) : super.renew(zone, holder, epoch, until)
    }
    override acquire(
      zone: string,
      holder: string,
      now: Date,
      until: Date,
      force?: boolean,
    ): Promise<number | undefined> {
      this.onAcquire()
      return super.acquire(zone, holder, now, until, force)
    }
  }

  function locked(
    id: string,
    clock: { wall: number; mono: number },
    locks: SessionLocks,
    store = new SqlLeaseStore(db),
  ) {
    return new LeaseKeeper({
      store,
      instanceId: id,
      zones: [ZONE],
      leaseMs: 60_000,
      now: () => new Date(T0 + clock.wall),
      monotonic: () => clock.mono,
      logger: quiet,
      onAcquired: () => Promise.resolve(),
      locks,
    })
  }

  it('with session locks, takes a zone as soon as the holder’s session dies', async () => {
    const server = new FakeLockServer()
    const lockA = server.session()
    const a = locked('a', { wall: 0, mono: 0 }, lockA)
    const clockB = { wall: 500, mono: 500 }
    const b = locked('b', clockB, server.session())
    await a.tick()
    await b.tick()
    assert.equal(a.holds(ZONE), true)
    assert.equal(b.holds(ZONE), false, 'the holder lives: its lock is taken')
    // A is killed: its session ends, long before its 60 s lease could expire.
    lockA.die()
    assert.equal(a.holds(ZONE), false, 'a failed session stops pushing at once')
    clockB.wall = clockB.mono = 1000
    await b.tick()
    assert.equal(b.holds(ZONE), true)
    // A's next round finds its lock taken: it lost the zone.
    await a.tick()
    assert.equal(a.holds(ZONE), false)
    await b.stop()
  })

  it('a holder whose session failed takes its locks back and goes on', async () => {
    const server = new FakeLockServer()
    const lockA = server.session()
    const clock = { wall: 0, mono: 0 }
    const a = locked('a', clock, lockA)
    await a.tick()
    lockA.die()
    assert.equal(a.holds(ZONE), false)
    clock.wall = clock.mono = 500
    await a.tick()
    assert.equal(a.holds(ZONE), true)
    await a.stop()
  })

  it('a holder whose rounds hang closes its lock session, so another takes the zone', async () => {
    const server = new FakeLockServer()
    const store = new FaultyStore(db)
    const clockA = { wall: 0, mono: 0 }
    const a = locked('a', clockA, server.session(), store)
    const clockB = { wall: 0, mono: 0 }
    const b = locked('b', clockB, server.session())
    await a.tick()
    // A's pool goes silent: its renewal hangs while its lock session still answers.
    store.hang = true
    clockA.wall = clockA.mono = 20_000
    void a.tick()
    clockA.wall = clockA.mono = 40_000
    void a.tick()
    clockB.wall = clockB.mono = 40_000
    await b.tick()
    assert.equal(b.holds(ZONE), false, 'a round hanging less than two thirds of a lease')
    clockA.wall = clockA.mono = 60_001
    void a.tick()
    assert.equal(a.holds(ZONE), false)
    clockB.wall = clockB.mono = 60_001
    await b.tick()
    assert.equal(b.holds(ZONE), true, 'the hung holder’s lock session was closed')
    await b.stop()
  })

  it('records the lock session taken before the lease: a session lost meanwhile holds nothing', async () => {
    const server = new FakeLockServer()
    const lockA = server.session()
    const store = new FaultyStore(db)
    const a = locked('a', { wall: 0, mono: 0 }, lockA, store)
    store.onAcquire = () => {
      lockA.die()
    }
    await a.tick()
    assert.equal(a.holds(ZONE), false)
  })

  it('gives the lock back when taking the lease fails, and never stacks a lock', async () => {
    const server = new FakeLockServer()
    const lockA = server.session()
    const store = new FaultyStore(db)
    const clock = { wall: 0, mono: 0 }
    const a = locked('a', clock, lockA, store)
    store.onAcquire = () => {
      throw new Error('database unreachable')
    }
    await a.tick()
    assert.equal(server.owners.get(ZONE), undefined, 'no lock without the lease')
    store.onAcquire = () => undefined
    clock.wall = clock.mono = 500
    await a.tick()
    assert.equal(a.holds(ZONE), true)
    assert.equal(lockA.counts.get(ZONE), 1)
    await a.stop()
    assert.equal(server.owners.get(ZONE), undefined)
  })

  it('stops pushing when the lock session was silent for two thirds of a lease', async () => {
    const server = new FakeLockServer()
    const lockA = server.session()
    const clock = { wall: 0, mono: 0 }
    const a = locked('a', clock, lockA)
    await a.tick()
    lockA.silent = true
    clock.wall = clock.mono = 20_000
    await a.tick()
    assert.equal(a.holds(ZONE), true, 'renewed on the pool, lock session seen 20 s ago')
    clock.wall = clock.mono = 40_000
    await a.tick()
    assert.equal(a.holds(ZONE), false, 'renewed, but the lock session is silent too long')
    lockA.silent = false
    clock.wall = clock.mono = 40_500
    await a.tick()
    assert.equal(a.holds(ZONE), true)
    await a.stop()
  })

  it('waitPublished resolves once the holder records the serial, false at the deadline', async () => {
    const a = keeper('a', { wall: 0, mono: 0 }, [])
    const b = new LeaseKeeper({
      store: new SqlLeaseStore(db),
      instanceId: 'b',
      zones: [ZONE],
      leaseMs: 3000,
      now: () => new Date(T0),
      monotonic: () => performance.now(),
      logger: quiet,
      onAcquired: () => Promise.resolve(),
      pollMs: 5,
    })
    await a.tick()
    assert.equal(await b.waitPublished(ZONE, 10, 30), false)
    const waiting = b.waitPublished(ZONE, 10, 2000)
    a.published(ZONE, 11)
    assert.equal(await waiting, true)
    await a.stop()
  })
})
