import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lru } from './lru.ts'

void describe('lru', () => {
  it('holds at most max entries, the least recently used going first', () => {
    const left: string[] = []
    const cache = lru<string, number>(3, { dispose: (_v, k, why) => left.push(`${k} ${why}`) })
    for (const k of ['a', 'b', 'c']) cache.set(k, 1)
    cache.get('a')
    cache.set('d', 1)
    assert.deepEqual([...cache.keys()].sort(), ['a', 'c', 'd'])
    assert.deepEqual(left, ['b evict'])
    for (let i = 0; i < 1000; i++) cache.set(`k${String(i)}`, i)
    assert.equal(cache.size, 3)
  })

  it('forgets an entry once it is expireMs old, on the given clock', () => {
    let now = 1000
    const cache = lru<string, true>(10, { expireMs: 500, now: () => now })
    cache.set('a', true)
    now += 499
    assert.equal(cache.get('a'), true)
    now += 1
    assert.equal(cache.get('a'), undefined)
    assert.equal(cache.has('a'), false)
  })
})
