#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's own test runner (through tsx),
// two files at a time to fit a 2-core machine. Extra arguments are passed to node --test
// (e.g. `npm test -- --test-name-pattern dyndns2`); bare paths narrow the file list.
// A full run (no paths) then runs the log audit (test/audit/), which reads the logs and
// secrets the whole run left in test-artifacts/; its summary is printed last, and the exit
// code is non-zero if either run failed. With paths or a name filter the audit is skipped:
// another run may share test-artifacts/, so only a full run clears it and audits it.
// A hung test fails instead of hanging the run: see FILE_TIMEOUT_MS.
import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

function find(dir, out) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    if (name === 'node_modules') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) find(path, out)
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const args = process.argv.slice(2)
const flags = args.filter((a) => a.startsWith('-'))
const paths = args.filter((a) => !a.startsWith('-'))
const AUDIT = join('test', 'audit')
let files = find('src', []).concat(find('test', [])).sort()
if (paths.length > 0) files = files.filter((f) => paths.some((p) => f.startsWith(p) || f === p))
// The audit reads what the other tests leave behind: never run beside them unless asked for.
if (!paths.some((p) => p.startsWith(AUDIT))) files = files.filter((f) => !f.startsWith(AUDIT))
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
// Node 20 applies --test-timeout to each test file as a whole (the subprocess that runs it),
// not to each test in it: the budget is the slowest legitimate file's, install.test.ts (npm
// pack and npm install -g, about 3 min; longer when better-sqlite3 compiles from source), with
// room for a busy machine. A file over it fails as timed out and its process is ended.
// TEST_TIMEOUT_MS overrides it; a --test-timeout among the arguments wins.
const FILE_TIMEOUT_MS = process.env.TEST_TIMEOUT_MS ?? String(20 * 60_000)
const timeout = flags.some((f) => f.startsWith('--test-timeout'))
  ? []
  : [`--test-timeout=${FILE_TIMEOUT_MS}`]
// Name filters pick tests, not files: a run with one is not the whole suite either.
const filtered = flags.some((f) => /^--test-(name-pattern|skip-pattern|only)/.test(f))
const full = paths.length === 0 && !filtered
if (full) {
  rmSync(join('test-artifacts', 'logs'), { recursive: true, force: true })
  rmSync(join('test-artifacts', 'secrets.txt'), { force: true })
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    ...timeout,
    ...flags,
    ...files,
  ],
  { stdio: 'inherit' },
)
const main = result.status ?? 1
if (!full) {
  if (!files.some((f) => f.startsWith(AUDIT))) console.log('# log audit skipped (not a full run)')
  process.exit(main)
}
console.log(`# main run exit code ${main}; now the log audit of its output`)
const audit = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', ...timeout, ...find(AUDIT, []).sort()],
  { stdio: 'inherit' },
)
process.exit(main !== 0 ? main : (audit.status ?? 1))
