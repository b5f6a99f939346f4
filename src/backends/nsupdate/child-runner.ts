/** Child processes behind a small interface, so the backend can be tested without one. */
import { spawn } from 'node:child_process'

/** What a finished child left behind. */
export interface ChildResult {
  /** Exit code; null when it was killed (timeout, cancellation) or could not start. */
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** Set when the program could not be started (ENOENT, EACCES). */
  readonly spawnError?: string
  readonly timedOut: boolean
}

/** Runs a program with `input` on stdin. */
export type ChildRunner = (
  file: string,
  args: readonly string[],
  input: string,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<ChildResult>

/** The real runner: `spawn` without a shell, killed by PID on timeout or abort. */
export const spawnRunner: ChildRunner = (file, args, input, timeoutMs, signal) =>
  new Promise((resolve) => {
    const child = spawn(file, [...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    let spawnError: string | undefined
    const kill = (): void => {
      timedOut = true
      child.kill('SIGKILL')
    }
    const timer = setTimeout(kill, timeoutMs)
    signal.addEventListener('abort', kill)
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdin.on('error', () => undefined)
    child.on('error', (e) => (spawnError = e.message))
    child.on('close', (code) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', kill)
      resolve({
        code: spawnError === undefined ? code : null,
        stdout,
        stderr,
        timedOut,
        ...(spawnError === undefined ? {} : { spawnError }),
      })
    })
    child.stdin.end(input)
  })
