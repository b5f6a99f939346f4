/** What the PostgreSQL and MariaDB test helpers share: the server handle, spawn, readiness. */
import { spawn } from 'node:child_process'
import type { Daemon } from './logged-process.ts'

/** A database server a test file started. */
export interface DbServer {
  readonly port: number
  /** A connection URL for `database` (the test superuser, no password). */
  url(database: string): string
  /** Creates an empty database with a fresh name and returns the name. */
  createDatabase(prefix?: string): Promise<string>
  stop(): Promise<void>
}

/** Spawns `file args` (as `ids` when given), collecting its output; stopped by PID. */
export function startLoggedAs(
  file: string,
  args: readonly string[],
  cwd: string,
  ids?: { uid: number; gid: number },
  stopSignal: NodeJS.Signals = 'SIGTERM',
): Daemon {
  const child = spawn(file, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}) })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  child.on('error', (e) => (output += `\nspawn ${file} failed: ${e.message}\n`))
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    child,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, stopSignal)
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return child.exitCode
    },
  }
}

/** Polls `ready` until it resolves true; fails with the server log if it exits or times out. */
export async function waitUntil(
  daemon: Daemon,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (daemon.child.exitCode !== null) {
      throw new Error(`${what} exited (${daemon.child.exitCode}):\n${daemon.log()}`)
    }
    try {
      if (await ready()) return
    } catch (e) {
      last = (e as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await daemon.stop()
  throw new Error(`${what} not ready after ${timeoutMs} ms (${last}):\n${daemon.log()}`)
}
