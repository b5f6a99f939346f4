/**
 * The zone-file checkers of BIND and Knot as oracles: `named-checkzone`, `named-compilezone`
 * and `kzonecheck` (Debian `knot-dnssecutils`).
 */
import { existsSync } from 'node:fs'
import { run } from './tools.ts'

/** A checker's verdict and what it printed. */
export interface CheckResult {
  readonly code: number
  readonly output: string
}

/** `named-checkzone ZONE FILE`. */
export async function namedCheckzone(zone: string, file: string): Promise<CheckResult> {
  const r = await run('named-checkzone', [zone, file], 60_000)
  return { code: r.code, output: r.stdout + r.stderr }
}

/** `named-compilezone -f text -F text -s full -o - ZONE FILE`: BIND's reading of a file. */
export async function namedCompilezone(zone: string, file: string): Promise<CheckResult> {
  const r = await run(
    'named-compilezone',
    ['-f', 'text', '-F', 'text', '-s', 'full', '-o', '-', zone, file],
    60_000,
  )
  return { code: r.code, output: r.stdout }
}

const KZONECHECK = ['/usr/bin/kzonecheck', '/usr/sbin/kzonecheck'].find((p) => existsSync(p))

/** Knot's check of a zone file, semantic checks on (`kzonecheck -o ZONE FILE`). */
export async function knotZonecheck(zone: string, file: string): Promise<CheckResult> {
  // Never skipped: a machine without it fails here, naming the package (scripts/setup.sh).
  if (KZONECHECK === undefined) throw new Error('kzonecheck not found: install knot-dnssecutils')
  const r = await run(KZONECHECK, ['-o', zone, file], 60_000)
  return { code: r.code, output: r.stdout + r.stderr }
}
