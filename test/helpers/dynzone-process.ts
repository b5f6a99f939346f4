/**
 * Starts `dynzone` as a real child process (through tsx, from source, unless another program
 * is given: an installed `dynzone`) and collects its output, for end-to-end tests. Stopped by
 * PID in `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  appendLog,
  nextLogFile,
  recordSecret,
  secretsInDir,
  secretsInInput,
  secretsInOutput,
} from './artifacts.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
// Absolute, so the child resolves tsx from this checkout whatever its working directory.
const TSX = import.meta.resolve('tsx')
/** The program and its first arguments: this checkout's source, through tsx. */
export const FROM_SOURCE: readonly string[] = [process.execPath, '--import', TSX, MAIN]

/** A running dynzone process. */
export interface DynzoneProcess {
  readonly child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the first stdout/stderr line matching `re`, or rejects after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>
  exited: Promise<number | null>
}

/** Spawns `dynzone <args>` in `cwd`; `program`: the command line that is `dynzone`. */
export function startDynzone(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  program: readonly string[] = FROM_SOURCE,
): DynzoneProcess {
  const [file = '', ...first] = program
  const child = spawn(file, [...first, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // For the whole-suite log audit (artifacts.ts): all output logged, all known secrets noted.
  const logFile = nextLogFile()
  recordSecret(...secretsInInput(args, env), ...secretsInDir(cwd, args))
  child.on('exit', () => {
    recordSecret(...secretsInDir(cwd, args))
  })
  let out = ''
  let err = ''
  const listeners = new Set<() => void>()
  child.stdout.on('data', (d: Buffer) => {
    appendLog(logFile, d.toString())
    out += d.toString()
    for (const l of listeners) l()
  })
  child.stderr.on('data', (d: Buffer) => {
    appendLog(logFile, d.toString())
    err += d.toString()
    for (const l of listeners) l()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code)
    }),
  )
  exited.then(
    () => {
      for (const l of listeners) l()
    },
    () => undefined,
  )
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = (out + '\n' + err).match(re)
          if (m) {
            cleanup()
            resolve(m)
          } else if (done) {
            cleanup()
            reject(
              new Error(
                `dynzone exited before printing ${String(re)}\nstdout:\n${out}\nstderr:\n${err}`,
              ),
            )
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${String(re)}\nstdout:\n${out}\nstderr:\n${err}`))
        }, timeoutMs)
        const cleanup = (): void => {
          clearTimeout(timer)
          listeners.delete(check)
        }
        listeners.add(check)
        check()
      })
    },
    async stop() {
      if (!done) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return exited
    },
  }
}

/**
 * Runs `dynzone <args>` to completion as a process: for the installed program, and where the
 * process is the point. A test that only runs a command and reads its output uses
 * `runInProcess` (dynzone-cli.ts), which skips the tsx start-up.
 */
export async function runDynzone(
  args: readonly string[],
  cwd: string,
  options: { env?: Record<string, string>; stdin?: string; program?: readonly string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [file = '', ...first] = options.program ?? FROM_SOURCE
  const child = spawn(file, [...first, ...args], {
    cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  // Stdout is the command's product (a new token is shown there once, on purpose), so only
  // stderr goes to the audited log; the secrets it printed and was given are noted.
  const logFile = nextLogFile()
  recordSecret(...secretsInInput(args, options.env ?? {}), ...secretsInDir(cwd, args))
  if (args.some((a) => a.endsWith('-stdin'))) recordSecret(...(options.stdin ?? '').split('\n'))
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => {
    appendLog(logFile, d.toString())
    stderr += d.toString()
  })
  child.stdin.end(options.stdin ?? '')
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const code = await new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      resolve(c)
    }),
  )
  clearTimeout(timer)
  recordSecret(...secretsInOutput(stdout), ...secretsInDir(cwd, args))
  return { code, stdout, stderr }
}
