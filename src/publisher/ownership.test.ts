import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import { markedOwner, markerSet, ZoneOwnership, type OwnershipStore } from './ownership.ts'

const ZONE = 'dyn.example' as Fqdn
const host: RecordSet = { name: `h1.${ZONE}` as Fqdn, type: 'A', ttl: 60, values: ['192.0.2.1'] }

/** A guard of cluster "ours" over an in-memory store; `claims`: zones with a claim filed. */
function guard(claims: Fqdn[] = []): { g: ZoneOwnership; conflicts: Map<Fqdn, string> } {
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
  return { g: new ZoneOwnership({ cluster: 'ours', store, logger }), conflicts }
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
})
