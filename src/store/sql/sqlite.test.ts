import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { cachingPrepare, MAX_CACHED_STATEMENTS } from './sqlite.ts'

void describe('cachingPrepare', () => {
  it('keeps at most MAX_CACHED_STATEMENTS statements, the least recently used prepared again', () => {
    const db = cachingPrepare(new SqliteDatabase(':memory:'))
    const first = db.prepare('select 0')
    const kept = db.prepare('select -1')
    assert.equal(db.prepare('select 0'), first, 'a repeat is answered from the cache')
    for (let i = 1; i < MAX_CACHED_STATEMENTS; i++) {
      db.prepare(`select ${String(i)}`)
      db.prepare('select -1')
    }
    assert.notEqual(db.prepare('select 0'), first, 'the least recently used was dropped')
    assert.equal(db.prepare('select -1'), kept, 'a statement in use stays')
    db.close()
  })
})
