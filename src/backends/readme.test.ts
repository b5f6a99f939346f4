/**
 * Every registered backend has a README with the four sections, and every TOML example in it
 * loads through the real config loader (secret `*_file` paths are served by a stand-in
 * reader, as the files exist only on the user's machine).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { loadConfig } from '../config/load.ts'
import { RECORD_TYPES } from '../core/records.ts'
import { BACKENDS } from './registry.ts'

const SECTIONS = ['## What it is', '## Configuration', '## Examples', '## Limitations']

describe('backend READMEs', () => {
  for (const { kind, types } of BACKENDS) {
    const readme = readFileSync(new URL(`${kind}/README.md`, import.meta.url), 'utf8')

    it(`${kind}: has the four sections, in order`, () => {
      assert.deepEqual(
        readme.split('\n').filter((l) => l.startsWith('## ')),
        SECTIONS,
      )
    })

    it(`${kind}: names the record types it publishes`, () => {
      const line = readme.split('\n').find((l) => l.startsWith('**Record types**'))
      assert.ok(line !== undefined, `${kind}: no **Record types** paragraph`)
      const paragraph = readme.slice(readme.indexOf(line)).split('\n\n')[0] ?? ''
      const all = types.length === RECORD_TYPES.length && paragraph.includes('every type')
      for (const type of all ? [] : types) assert.match(paragraph, new RegExp(`\\b${type}\\b`))
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
