/** Process entry: runs the CLI with the real process's streams and exits with its code. */
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { runCli } from './cli/program.ts'
import type { CliIo } from './cli/io.ts'

function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return Promise.resolve(undefined)
  try {
    const text = readFileSync(0, 'utf8')
    const line = text.split(/\r?\n/)[0]
    return Promise.resolve(line === undefined || line === '' ? undefined : line)
  } catch {
    return Promise.resolve(undefined)
  }
}

/** Runs dynzone with `argv` (as in `process.argv`) and exits the process. */
export async function main(argv: readonly string[]): Promise<void> {
  const io: CliIo = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    readStdin,
    progress: process.stderr,
  }
  try {
    process.exitCode = await runCli(argv, io)
  } catch (e) {
    process.stderr.write(
      `dynzone: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    )
    process.exitCode = 1
  }
  exitWhenStuck()
}

/** How long a finished command may take to let go of its last handles before it is ended. */
const EXIT_GRACE_MS = 2000

// The command is over: whatever still holds the event loop (a socket or timer a failed start
// left open) must not keep a process alive that no longer serves, so systemd can restart it.
function exitWhenStuck(): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout')
    process.stderr.write(`dynzone: exiting with ${open.join(', ') || 'timers'} still open\n`)
    process.exit()
  }, EXIT_GRACE_MS).unref()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv)
