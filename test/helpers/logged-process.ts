/** A daemon started for a test: its output collected, stopped by PID (SIGTERM, then SIGKILL). */
import { spawn, type ChildProcess } from 'node:child_process'

/** A running daemon. */
export interface Daemon {
  readonly child: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  log(): string
  /** Stops it; resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Spawns `file args` in `cwd`; a missing program shows up in `log()` and as an exit. */
export function startLogged(file: string, args: readonly string[], cwd: string): Daemon {
  const child = spawn(file, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
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
        process.kill(child.pid, 'SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return child.exitCode
    },
  }
}
