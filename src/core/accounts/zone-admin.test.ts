import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Fqdn } from '../names.ts'
import { err, ok } from '../result.ts'
import { ZoneAdmin, type ZoneAdminStore } from './zone-admin.ts'

const AT = new Date('2030-01-01T00:00:00.000Z')

// A store that records the requests it is given; `hosts`: the zone's hosts (none: no zone).
function fakeStore(hosts: number | undefined) {
  const requests: string[] = []
  const store: ZoneAdminStore = {
    zoneStates: () => Promise.resolve([]),
    requestResync: (zones, at) => {
      requests.push(`resync ${zones.join(',')}`)
      return Promise.resolve(at.toISOString())
    },
    requestClaim: (zones, at) => {
      requests.push(`claim ${zones.join(',')}`)
      return Promise.resolve(at.toISOString())
    },
    forgetZone: (zone, withHosts) => {
      requests.push(`forget ${zone}`)
      if (hosts === undefined) return Promise.resolve(err({ code: 'not-found', zone }))
      if (hosts > 0 && !withHosts) return Promise.resolve(err({ code: 'has-hosts', zone, hosts }))
      return Promise.resolve(ok({ hosts }))
    },
  }
  return { store, requests }
}

const served = ['a.example', 'b.example'] as Fqdn[]

describe('ZoneAdmin', () => {
  it('stamps a resync of one served zone, or of every one', async () => {
    const { store, requests } = fakeStore(0)
    const admin = new ZoneAdmin({ store, served, now: () => AT })
    const one = await admin.requestResync('A.Example.')
    assert.deepEqual(one, ok({ zones: ['a.example'], requestedAt: AT.toISOString() }))
    assert.ok((await admin.requestResync()).ok)
    assert.ok((await admin.requestClaim('b.example')).ok)
    assert.deepEqual(requests, [
      'resync a.example',
      'resync a.example,b.example',
      'claim b.example',
    ])
  })

  it('refuses a zone the config does not name, or a bad name, and stamps nothing', async () => {
    const { store, requests } = fakeStore(0)
    const admin = new ZoneAdmin({ store, served, now: () => AT })
    const refusals: [string, () => Promise<{ ok: boolean; error?: unknown }>, string][] = [
      ['unserved resync', () => admin.requestResync('c.example'), 'not-served'],
      ['unserved claim', () => admin.requestClaim('c.example'), 'not-served'],
      ['bad name', () => admin.requestResync('bad..name'), 'invalid'],
      ['forget a served zone', () => admin.forget('a.example', true), 'served'],
    ]
    for (const [what, run, code] of refusals) {
      const r = await run()
      assert.equal(r.ok, false, what)
      assert.equal((r.error as { code: string }).code, code, what)
    }
    assert.deepEqual(requests, [])
  })

  it('forgets an unserved zone, with its hosts only when asked', async () => {
    const admin = (hosts: number | undefined) =>
      new ZoneAdmin({ store: fakeStore(hosts).store, served, now: () => AT })
    assert.deepEqual(
      await admin(2).forget('old.example', true),
      ok({ zone: 'old.example', hosts: 2 }),
    )
    const kept = await admin(2).forget('old.example', false)
    assert.deepEqual(kept, err({ code: 'has-hosts', zone: 'old.example', hosts: 2 }))
    const gone = await admin(undefined).forget('old.example', false)
    assert.deepEqual(gone, err({ code: 'not-found', zone: 'old.example' }))
  })
})
