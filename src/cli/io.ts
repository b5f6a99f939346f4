/**
 * What every command module shares: where it writes (injectable, so tests run the CLI
 * in-process), how it runs with an open context, and the parsing of its small options.
 * Commands import from here, never from program.ts, which imports them.
 */
import type { Command } from 'commander'
import type { Context } from '../app.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { ProgressStream } from './progress.ts'

/** Where CLI commands write, injectable for tests. */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Reads a line from standard input (for passwords), or undefined when none is piped. */
  readonly readStdin: () => Promise<string | undefined>
  /** Where progress bars of long work are drawn (stderr): only when it is a terminal. */
  readonly progress?: ProgressStream
}

/** Prints `dynzone: <message>` to stderr and returns `code`, the command's exit code. */
export function fail(io: CliIo, message: string, code: number): number {
  io.err(`dynzone: ${message}\n`)
  return code
}

/**
 * Prints `--json` output: the resource views the REST API answers with (src/api/views.ts),
 * so a field has one name, camelCase, in both.
 */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n')
}

/** Prints rows as an aligned table for people (scripts use `--json`). */
export function printRows(io: CliIo, rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) {
    io.out('(none)\n')
    return
  }
  const columns = Object.keys(rows[0] ?? {})
  const cell = (v: unknown): string =>
    v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v)
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)))
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd() + '\n'
  io.out(line(columns.map((c) => c.toUpperCase())))
  for (const row of rows) io.out(line(columns.map((c) => cell(row[c]))))
}

/** Runs a command body with an open context and records its exit code (see program.ts). */
export type Runner = (cmd: Command, fn: (ctx: Context) => Promise<number>) => Promise<void>

/** The most rows `--limit` asks for (audit, history). */
export const MAX_LIMIT = 10_000

/** The longest `--timeout` a command waits for the running server (a day). */
export const MAX_TIMEOUT_SECONDS = 86_400

/**
 * Parses a whole-number option (`--limit 20`, `--timeout 60`) from `min` to `max`; the
 * error names the flag and shows at most 20 characters of what was given.
 */
export function parseCount(
  flag: string,
  text: string,
  min: number,
  max: number,
): Result<number, string> {
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN
  if (n >= min && n <= max) return ok(n)
  return err(`${flag}: "${text.slice(0, 20)}" is not a whole number from ${min} to ${max}`)
}
