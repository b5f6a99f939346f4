/**
 * WAL checkpoints off the event loop, for `dynzone serve` on SQLite.
 *
 * SQLite's default checkpoints the WAL inside the commit that pushes it past 1,000 pages, in
 * the committing call, and better-sqlite3 calls are synchronous: at 1,000 changed updates per
 * second about one commit in a hundred took 2–11 ms instead of about 0.1 ms (the checkpoint
 * copies the pages into the database file and fsyncs it), and for that long the process
 * answered neither HTTP nor DNS. Here the server's own connection never checkpoints
 * (`wal_autocheckpoint = 0`); a worker thread with a connection of its own runs a PASSIVE
 * checkpoint every `CHECKPOINT_INTERVAL_MS`, which waits for no reader or writer and blocks
 * none. Durability is unchanged: a commit is in the WAL either way, and a WAL left behind is
 * replayed at the next open.
 *
 * The worker's code is plain CommonJS evaluated from a string, so it runs the same from the
 * TypeScript sources and from the compiled package. If the worker fails, the server's
 * connection goes back to checkpointing itself, so the WAL never grows without bound.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SqliteDatabase from 'better-sqlite3'

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 250

/** SQLite's own default, restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT = 1000

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.path, { fileMustExist: true })
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (e) {
    clearInterval(timer)
    throw e
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/** A running checkpoint worker. */
export interface Checkpointer {
  /**
   * Ends the worker (its connection closes when it gets the message) and checkpoints the
   * whole WAL from the server's connection, so that after a stop the database file alone
   * holds every commit, as it did with SQLite's own checkpoints (a copy of just the file is
   * then complete).
   */
  stop(): void
}

/** Starts checkpointing `path` from a worker thread; `main` stops checkpointing itself. */
export function startCheckpointer(main: SqliteDatabase.Database, path: string): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3')
  main.pragma('wal_autocheckpoint = 0')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module, path, intervalMs: CHECKPOINT_INTERVAL_MS },
  })
  worker.unref()
  let stopped = false
  const takeBack = (): void => {
    if (stopped || !main.open) return
    stopped = true
    main.pragma(`wal_autocheckpoint = ${String(DEFAULT_AUTOCHECKPOINT)}`)
  }
  worker.on('error', takeBack)
  worker.on('exit', takeBack)
  return {
    stop() {
      stopped = true
      worker.postMessage('stop')
      if (!main.open) return
      try {
        main.pragma('wal_checkpoint(TRUNCATE)')
      } catch {
        // Busy past the timeout: every commit is still in the WAL, replayed at the next open.
      }
    },
  }
}
