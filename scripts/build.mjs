#!/usr/bin/env node
// Builds dist/ from src/: a clean compile (tsconfig.build.json), then every file the code reads
// at run time beside its module (web assets: anything under src/ that is not TypeScript or a
// README) copied to the same place under dist/. The installed program runs from dist/ alone.
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename } from 'node:path'

rmSync('dist', { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)
cpSync('src', 'dist', {
  recursive: true,
  filter: (path) => !/\.(ts|md)$/.test(basename(path)),
})
