/** Where CLI commands write, injectable for tests. */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  /** Reads a line from standard input (for passwords), or undefined when none is piped. */
  readonly readStdin: () => Promise<string | undefined>
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
