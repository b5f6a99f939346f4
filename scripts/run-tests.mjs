#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's own test runner (through tsx),
// two files at a time to fit a 2-core machine. Extra arguments are passed to node --test
// (e.g. `npm test -- --test-name-pattern dyndns2`); bare paths narrow the file list.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
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
let files = find('src', []).concat(find('test', [])).sort()
if (paths.length > 0) files = files.filter((f) => paths.some((p) => f.startsWith(p) || f === p))
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...flags, ...files],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
