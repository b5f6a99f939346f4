/**
 * The benchmark suite (`npm run bench`): runs every benchmark of this folder one after the
 * other, each as its own process so one's servers and memory never overlap another's, and
 * prints each table with its anchor and ratio as the benchmark itself does. With `--json
 * <file>` every benchmark writes its JSON and the runner gathers them into one file.
 * Options: `--only authoritative,coalescing` picks benchmarks; `--quick` passes each its
 * short settings (for a smoke run: figures then mean little).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** One benchmark: its script and the arguments of a short run. */
interface Benchmark {
  readonly name: string
  readonly script: string
  readonly quick: readonly string[]
}

// In the order of the issue: update path, coalescing, authoritative queries (with the
// 1,000,000-host scale figures), brute force, reading a 1,000,000-record zone file.
const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'update-path',
    script: 'update-path.ts',
    quick: ['--seconds', '2', '--runs', '1', '--scale', '1000,10000'],
  },
  { name: 'coalescing', script: 'coalescing.ts', quick: ['--seconds', '2', '--runs', '1'] },
  {
    name: 'authoritative',
    script: 'authoritative.ts',
    quick: ['--sizes', '10000', '--seconds', '3', '--runs', '1'],
  },
  { name: 'brute-force', script: 'brute-force.ts', quick: ['--seconds', '5'] },
  { name: 'zone-file', script: 'zone-file.ts', quick: ['--records', '100000', '--runs', '1'] },
  { name: 'zone-import', script: 'zone-import.ts', quick: ['--records', '100000'] },
]

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
})
const only = values.only?.split(',').map((s) => s.trim())
const unknown = only?.filter((n) => !BENCHMARKS.some((b) => b.name === n)) ?? []
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
  )
  process.exit(64)
}
const here = fileURLToPath(new URL('.', import.meta.url))
const jsonDir =
  values.json === undefined ? undefined : mkdtempSync(join(tmpdir(), 'dynzone-bench-'))
const results: Record<string, unknown> = {}
const failed: string[] = []
try {
  for (const b of BENCHMARKS) {
    if (only !== undefined && !only.includes(b.name)) continue
    const script = join(here, b.script)
    if (!existsSync(script)) continue
    process.stdout.write(`\n== ${b.name} ==\n`)
    const json = jsonDir === undefined ? [] : ['--json', join(jsonDir, `${b.name}.json`)]
    const args = ['--import', 'tsx', script, ...(values.quick ? b.quick : []), ...json]
    const started = performance.now()
    const run = spawnSync(process.execPath, args, { stdio: 'inherit' })
    const seconds = ((performance.now() - started) / 1000).toFixed(0)
    if (run.status !== 0) {
      failed.push(b.name)
      process.stdout.write(`${b.name} failed (exit ${String(run.status)}) after ${seconds} s\n`)
      continue
    }
    process.stdout.write(`(${b.name}: ${seconds} s)\n`)
    if (jsonDir !== undefined) {
      const file = join(jsonDir, `${b.name}.json`)
      if (existsSync(file)) results[b.name] = JSON.parse(readFileSync(file, 'utf8')) as unknown
    }
  }
  if (values.json !== undefined) {
    const out = { date: new Date().toISOString(), quick: values.quick, failed, results }
    writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n')
  }
} finally {
  if (jsonDir !== undefined) rmSync(jsonDir, { recursive: true, force: true })
}
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`)
  process.exit(1)
}
