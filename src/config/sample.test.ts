import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parse } from 'smol-toml'
import { CONFIG_KEYS } from './keys.ts'
import { sampleConfigToml } from './sample.ts'
import { configSchema } from './schema.ts'

void describe('sampleConfigToml', () => {
  void it('parses with the schema to exactly the defaults, but with the demo off', () => {
    const defaults = configSchema.parse({})
    const sample = configSchema.parse(parse(sampleConfigToml()))
    assert.deepEqual(sample, { ...defaults, demo: { enabled: false, embeddedZones: false } })
    assert.deepEqual(defaults.demo, { enabled: true, embeddedZones: true })
  })

  void it('lists every key with a comment above it', () => {
    const lines = sampleConfigToml().split('\n')
    for (const key of CONFIG_KEYS) {
      const name = key.path.at(-1) ?? ''
      const at = lines.findIndex((l) => l.startsWith(`${name} = `) || l.startsWith(`# ${name} = `))
      assert.ok(at > 0, `sample lacks ${key.key}`)
    }
    for (const [i, line] of lines.entries()) {
      if (!/^\w+ = /.test(line) || ['retry', 'expire', 'minimum'].some((t) => line.startsWith(t)))
        continue
      assert.match(lines[i - 1] ?? '', /^#/, `no explanation above: ${line}`)
    }
  })
})

void describe('README.md', () => {
  const readme = readFileSync(new URL('README.md', import.meta.url), 'utf8')
  void it('documents every key and its environment variable', () => {
    for (const key of CONFIG_KEYS) {
      assert.ok(readme.includes(`\`${key.key}\``), `README lacks ${key.key}`)
      if (key.env !== null) assert.ok(readme.includes(key.env), `README lacks ${key.env}`)
    }
  })
})
