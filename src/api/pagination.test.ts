/** Cursors and pages: stable, opaque, and strict about what they accept. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeCursor, encodeCursor, numericKey, pageOf } from './pagination.ts'

const names = ['delta', 'alpha', 'charlie', 'bravo', 'echo']

describe('api pagination', () => {
  it('walks a list in key order, each item once', () => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 10; i++) {
      const page = pageOf(names, (n) => n, { limit: 2, cursor })
      assert.ok(page.ok)
      seen.push(...page.value.items)
      if (page.value.next === null) break
      cursor = page.value.next
    }
    assert.deepEqual(seen, ['alpha', 'bravo', 'charlie', 'delta', 'echo'])
  })

  it('ends with next null exactly when nothing follows', () => {
    const full = pageOf(names, (n) => n, { limit: 5 })
    assert.ok(full.ok)
    assert.equal(full.value.next, null)
    const short = pageOf(names, (n) => n, { limit: 4 })
    assert.ok(short.ok)
    assert.notEqual(short.value.next, null)
  })

  it('keeps its place when items before it go', () => {
    const first = pageOf(names, (n) => n, { limit: 2 })
    assert.ok(first.ok && first.value.next !== null)
    const later = pageOf(
      names.filter((n) => n !== 'alpha'),
      (n) => n,
      { limit: 2, cursor: first.value.next },
    )
    assert.ok(later.ok)
    assert.deepEqual(later.value.items, ['charlie', 'delta'])
  })

  it('round-trips keys and refuses foreign cursors', () => {
    const c = encodeCursor('x\0y')
    assert.deepEqual(decodeCursor(c), { ok: true, value: 'x\0y' })
    for (const bad of ['', 'not base64!', Buffer.from('v2\0x').toString('base64url')]) {
      const r = decodeCursor(bad)
      assert.ok(!r.ok, bad)
      assert.equal(r.error.code, 'invalid_cursor')
    }
  })

  it('sorts numeric keys as numbers', () => {
    assert.ok(numericKey(9) < numericKey(10))
  })
})
