import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.ts'
import SqliteDatabase from 'better-sqlite3'
import { startCheckpointer } from './sqlite-checkpointer.ts'
import { openSqlite } from './sqlite.ts'

const dir = mkdtempSync(join(tmpdir(), 'dynzone-checkpointer-'))
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function autocheckpoint(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db)
  return Number(r.rows[0]?.wal_autocheckpoint)
}

// Commits in separate transactions, about 2 MB in all: past SQLite's 1,000-page default.
async function fill(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)`.execute(db)
  for (let i = 0; i < 500; i++)
    await sql`INSERT INTO filler (body) VALUES (${'x'.repeat(4000)})`.execute(db)
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

describe('background checkpoints (serve on SQLite)', () => {
  it('the connection never checkpoints in a commit; the worker copies the WAL into the file', async () => {
    const path = join(dir, 'serve.sqlite')
    const db = openSqlite(path, { backgroundCheckpoints: true })
    try {
      assert.equal(await autocheckpoint(db), 0)
      const before = statSync(path).size
      await fill(db)
      // Only a checkpoint writes pages into the database file itself.
      assert.ok(
        await waitFor(() => statSync(path).size > before + 1_000_000, 5000),
        `database file still ${String(statSync(path).size)} bytes`,
      )
    } finally {
      await db.destroy()
    }
  })

  it('a CLI connection keeps SQLite checkpointing in its commits', async () => {
    const db = openSqlite(join(dir, 'cli.sqlite'))
    try {
      assert.equal(await autocheckpoint(db), 1000)
    } finally {
      await db.destroy()
    }
  })

  it('a stop leaves every commit in the database file itself (a copy of it alone is whole)', () => {
    const path = join(dir, 'stopped.sqlite')
    const main = new SqliteDatabase(path)
    main.pragma('journal_mode = WAL')
    const checkpointer = startCheckpointer(main, path)
    main.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)')
    const insert = main.prepare('INSERT INTO filler (body) VALUES (?)')
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(4000))
    // Copied at once: the last commits are younger than the worker's interval.
    checkpointer.stop()
    const copy = join(dir, 'copy.sqlite')
    copyFileSync(path, copy)
    main.close()
    const again = new SqliteDatabase(copy)
    try {
      assert.equal(again.prepare('SELECT count(*) AS n FROM filler').pluck().get(), 500)
    } finally {
      again.close()
    }
  })
})
