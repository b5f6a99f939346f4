/**
 * The zone-file checkers of BIND and Knot as oracles: `named-checkzone`, `named-compilezone`
 * and `kzonecheck` (or, where the Knot package ships without it, `knotc zone-check` on a
 * throw-away config: the same loader and semantic checks, run without a server).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  if (KZONECHECK !== undefined) {
    const r = await run(KZONECHECK, ['-o', zone, file], 60_000)
    return { code: r.code, output: r.stdout + r.stderr }
  }
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-kcheck-'))
  try {
    const conf = join(dir, 'knot.conf')
    writeFileSync(
      conf,
      [
        'server:',
        `    rundir: "${dir}"`,
        'database:',
        `    storage: "${dir}"`,
        'template:',
        '  - id: default',
        `    storage: "${dir}"`,
        '    semantic-checks: on',
        'zone:',
        `  - domain: "${zone}"`,
        `    file: "${file}"`,
        '',
      ].join('\n'),
    )
    const r = await run('knotc', ['-c', conf, 'zone-check', zone], 60_000)
    return { code: r.code, output: r.stdout + r.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
