import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { BackendError } from '../backends/backend.ts'
import { RECORD_TYPES, type ChangeSet, type RecordSet } from '../core/records.ts'
import { ok, type Result } from '../core/result.ts'
import { markedOwner, markerSet, ZoneOwnership, type OwnershipStore } from './ownership.ts'

const ZONE = 'dyn.example' as Fqdn
const host: RecordSet = { name: `h1.${ZONE}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.1'] }

/** A guard of cluster "ours" over an in-memory store; `claims`: zones with a claim filed. */
function guard(
  claims: Fqdn[] = [],
  monotonic: () => number = () => 0,
): { g: ZoneOwnership; conflicts: Map<Fqdn, string> } {
  const conflicts = new Map<Fqdn, string>()
  const store: OwnershipStore = {
    claimRequested: (zone) => Promise.resolve(claims.includes(zone)),
    recordConflict: (zone, owner) => {
      conflicts.set(zone, owner)
      return Promise.resolve()
    },
    clearConflict: (zone) => {
      conflicts.delete(zone)
      claims.splice(0)
      return Promise.resolve()
    },
  }
  const logger = { info: () => undefined, error: () => undefined }
  const g = new ZoneOwnership({ cluster: 'ours', store, logger, checkMs: 5000, monotonic })
  return { g, conflicts }
}

void describe('ZoneOwnership', () => {
  it('reads the marker, quoted or not, and ignores other TXT values', () => {
    const set = markerSet(ZONE, 'c1', 60)
    assert.equal(set.name, `_dynzone-owner.${ZONE}`)
    assert.equal(markedOwner(ZONE, [host, set]), 'c1')
    assert.equal(markedOwner(ZONE, [{ ...set, values: ['"dynzone-cluster=c2"'] }]), 'c2')
    assert.equal(markedOwner(ZONE, [{ ...set, values: ['hello'] }]), undefined)
    assert.equal(markedOwner(ZONE, [host]), undefined)
  })

  it('writes its marker into an unmarked zone and leaves its own alone', async () => {
    const { g } = guard()
    const unmarked = await g.judge(ZONE, 60, [host])
    assert.deepEqual(unmarked, { ok: true, value: markerSet(ZONE, 'ours', 60) })
    const own = await g.judge(ZONE, 60, [host, markerSet(ZONE, 'ours', 60)])
    assert.deepEqual(own, { ok: true, value: undefined })
    assert.equal(g.refused(ZONE), false)
  })

  it('refuses a zone another cluster marked, until a claim is filed', async () => {
    const claims: Fqdn[] = []
    const { g, conflicts } = guard(claims)
    const held = [host, markerSet(ZONE, 'theirs', 60)]
    const refused = await g.judge(ZONE, 60, held)
    assert.ok(!refused.ok)
    assert.match(refused.error, /another dynzone cluster \(theirs/)
    assert.equal(g.refused(ZONE), true)
    assert.equal(conflicts.get(ZONE), 'theirs')
    claims.push(ZONE)
    const claimed = await g.judge(ZONE, 60, held)
    assert.deepEqual(claimed, { ok: true, value: markerSet(ZONE, 'ours', 60) })
    await g.settled(ZONE, markerSet(ZONE, 'ours', 60), held)
    assert.equal(g.refused(ZONE), false)
    assert.equal(conflicts.size, 0)
  })

  it('a push to a backend without a prerequisite reads the marker first, trusted 5 s', async () => {
    let now = 0
    const { g, conflicts } = guard([], () => now)
    const zone: RecordSet[] = [host, markerSet(ZONE, 'ours', 60)]
    const applied: ChangeSet[] = []
    let reads = 0
    const backend = {
      kind: 'api',
      types: RECORD_TYPES,
      load: () => Promise.resolve(ok(undefined)),
      close: () => Promise.resolve(),
      read: (): Promise<Result<RecordSet[], BackendError>> => {
        reads += 1
        return Promise.resolve(ok([...zone]))
      },
      apply: (c: ChangeSet): Promise<Result<void, BackendError>> => {
        applied.push(c)
        return Promise.resolve(ok(undefined))
      },
    }
    const push = { zone: ZONE, serial: 2, replace: [host], remove: [] }
    const signal = new AbortController().signal
    assert.ok((await g.push(backend, push, signal)).ok)
    assert.ok((await g.push(backend, push, signal)).ok)
    assert.equal(reads, 1, 'the second push within 5 s trusts the first read')
    // Another cluster claims the zone; within the window a push still lands, after it not.
    zone[1] = markerSet(ZONE, 'theirs', 60)
    now = 5000
    const refused = await g.push(backend, push, signal)
    assert.ok(!refused.ok)
    assert.equal(refused.error.code, 'not-owner')
    assert.equal(applied.length, 2)
    assert.equal(conflicts.get(ZONE), 'theirs')
    assert.equal(g.refused(ZONE), true)
  })
})
