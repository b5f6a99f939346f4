import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { describe, it } from 'node:test'

const here = new URL('./', import.meta.url)
const folders = readdirSync(here).filter((f) => statSync(new URL(f, here)).isDirectory())

describe('dialect READMEs', () => {
  for (const folder of folders) {
    it(`${folder}/README.md has the four sections`, () => {
      const text = readFileSync(new URL(`${folder}/README.md`, here), 'utf8')
      for (const section of ['What it is', 'Configuration', 'Examples', 'Limitations']) {
        assert.match(text, new RegExp(`^## ${section}$`, 'm'), `${folder}: ${section}`)
      }
    })
  }
})
