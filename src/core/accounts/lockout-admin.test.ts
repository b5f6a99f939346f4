import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createKeyedHasher } from '../auth/keyed-hash.ts'
import { Secret } from '../auth/secret.ts'
import { LockoutAdmin, type LockoutAdminStore } from './lockout-admin.ts'

const hasher = createKeyedHasher(new Secret('a test pepper of at least 32 characters'))

// A store holding one pair (id 7, alice's from one source) that records what is lifted.
function fakeStore() {
  const lifted: string[] = []
  const store: LockoutAdminStore = {
    lockouts: () => Promise.resolve([]),
    removeLockout: (id) => Promise.resolve(id === 7),
    liftLockouts: (subject, source) => {
      const subjects = typeof subject === 'string' ? [subject] : [...subject]
      lifted.push(`${subjects.join('|')} ${source ?? '*'}`)
      return Promise.resolve(subjects.includes('user:alice') ? 1 : 0)
    },
  }
  return { store, lifted }
}

describe('LockoutAdmin', () => {
  it('lifts a name as a client sends it: the user’s and the unknown name’s locks', async () => {
    const { store, lifted } = fakeStore()
    const admin = new LockoutAdmin({ store, hasher, now: () => new Date(0) })
    assert.equal(await admin.lift('alice', '192.0.2.1'), 1)
    assert.equal(await admin.lift('token'), 0)
    assert.equal(await admin.liftListed('user:alice', '192.0.2.1'), 1)
    assert.match(lifted[0] ?? '', /^user:alice\|unknown:[0-9a-f]{32} 192\.0\.2\.1$/)
    assert.deepEqual(lifted.slice(1), ['token *', 'user:alice 192.0.2.1'])
  })

  it('removes a pair by id; an unknown id is not found', async () => {
    const admin = new LockoutAdmin({ store: fakeStore().store, hasher, now: () => new Date(0) })
    assert.deepEqual(await admin.remove(7), { ok: true, value: undefined })
    const missing = await admin.remove(8)
    assert.equal(missing.ok ? undefined : missing.error.code, 'not-found')
  })
})
