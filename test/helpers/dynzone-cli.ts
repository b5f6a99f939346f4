/**
 * Runs one `dynzone` command in this test process, through the same `runCli(argv, io)` that
 * src/main.ts runs, and collects what it wrote: no tsx start-up per command. Tests where the
 * process itself is the point (serve, signals, exit codes on start-up, the installed program)
 * spawn it with dynzone-process.ts instead.
 *
 * One command at a time, inside `cwd`: the CLI leaves relative paths that come from its
 * defaults, the environment or flags (`data_dir = ./data`, `--data-dir data`) relative to the
 * process's working directory, as a shell user expects, so the runner changes into `cwd` for
 * the command and back after it.
 */
import { runCli } from '../../src/cli/program.ts'
import type { CliIo } from '../../src/cli/io.ts'
import type { ProgressStream } from '../../src/cli/progress.ts'
import {
  appendLog,
  nextLogFile,
  recordSecret,
  secretsInDir,
  secretsInInput,
  secretsInOutput,
} from './artifacts.ts'

/** What a finished command printed, and its exit code. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

let queue: Promise<unknown> = Promise.resolve()

/** What a command may be given besides its arguments. */
export interface InProcessOptions {
  readonly env?: Record<string, string>
  /** What a pipe on standard input would give it. */
  readonly stdin?: string
  /** Where progress bars go (stderr in the real process; none: no bars). */
  readonly progress?: ProgressStream
}

/** Runs `dynzone <args>` in-process in `cwd`. */
export function runInProcess(
  args: readonly string[],
  cwd: string,
  options: InProcessOptions = {},
): Promise<CliResult> {
  const result = queue.then(() => runOne(args, cwd, options))
  queue = result.catch(() => undefined)
  return result
}

async function runOne(
  args: readonly string[],
  cwd: string,
  options: InProcessOptions,
): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  // As dynzone-process.ts does for a spawned command: stderr goes to the audited log, and
  // the secrets the command was given and printed are noted (artifacts.ts).
  const logFile = nextLogFile()
  recordSecret(...secretsInInput(args, options.env ?? {}), ...secretsInDir(cwd, args))
  if (args.some((a) => a.endsWith('-stdin'))) recordSecret(...(options.stdin ?? '').split('\n'))
  const line = (options.stdin ?? '').split(/\r?\n/)[0]
  const io: CliIo = {
    out: (s) => (stdout += s),
    err: (s) => {
      appendLog(logFile, s)
      stderr += s
    },
    env: { ...process.env, ...options.env },
    cwd,
    readStdin: () => Promise.resolve(line === undefined || line === '' ? undefined : line),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  }
  const home = process.cwd()
  process.chdir(cwd)
  let code: number
  try {
    code = await runCli(['node', 'dynzone', ...args], io)
  } catch (e) {
    // What src/main.ts prints and exits with for an exception that escapes the command.
    io.err(
      `dynzone: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    )
    code = 1
  } finally {
    process.chdir(home)
  }
  recordSecret(...secretsInOutput(stdout), ...secretsInDir(cwd, args))
  return { code, stdout, stderr }
}
