/**
 * Every registered backend has a README with the four sections, and every TOML example in it
 * loads through the real config loader (secret `*_file` paths are served by a stand-in
 * reader, as the files exist only on the user's machine).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { loadConfig } from '../config/load.ts'
import { BACKENDS } from './registry.ts'

const SECTIONS = ['## What it is', '## Configuration', '## Examples', '## Limitations']

describe('backend READMEs', () => {
  for (const { kind } of BACKENDS) {
    const readme = readFileSync(new URL(`${kind}/README.md`, import.meta.url), 'utf8')

    it(`${kind}: has the four sections, in order`, () => {
      assert.deepEqual(
        readme.split('\n').filter((l) => l.startsWith('## ')),
        SECTIONS,
      )
    })

    it(`${kind}: every TOML example loads`, () => {
      const examples = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
      assert.ok(examples.length >= 1, `${kind}: no TOML example`)
      for (const toml of examples) {
        const loaded = loadConfig({
          flags: { config: '/example/dynzone.toml' },
          env: {},
          cwd: '/',
          readFile: (path) => (path === '/example/dynzone.toml' ? toml : 'c2VjcmV0LXZhbHVl\n'),
        })
        assert.ok(loaded.ok, `${kind} example:\n${toml}\n${loaded.ok ? '' : loaded.error.message}`)
      }
    })
  }
})
