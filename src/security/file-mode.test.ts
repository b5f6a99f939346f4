import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadConfig } from '../config/load.ts'
import { looseModeWarning } from './file-mode.ts'

describe('looseModeWarning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-mode-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  for (const [mode, warns] of [
    [0o600, false],
    [0o400, false],
    [0o640, true],
    [0o644, true],
    [0o604, true],
  ] as const) {
    it(`${warns ? 'warns' : 'is quiet'} for mode ${mode.toString(8)}`, () => {
      const path = join(dir, `key-${mode.toString(8)}`)
      writeFileSync(path, 'secret\n')
      chmodSync(path, mode)
      const w = looseModeWarning(path, 'TSIG key file')
      assert.equal(w !== undefined, warns)
      if (w !== undefined) {
        assert.match(w, new RegExp(`TSIG key file .* has mode ${mode.toString(8)}`))
        assert.doesNotMatch(w, /secret\n/)
      }
    })
  }
  it('reaches the loaded config for a loose `*_file` secret, which still loads', () => {
    const cwd = mkdtempSync(join(dir, 'cfg-'))
    writeFileSync(join(cwd, 'dynzone.toml'), '[security]\npepper_file = "pepper"\n')
    writeFileSync(join(cwd, 'pepper'), 'p'.repeat(40))
    const load = () => loadConfig({ flags: {}, env: {}, cwd })
    chmodSync(join(cwd, 'pepper'), 0o644)
    const loose = load()
    assert.ok(loose.ok)
    assert.equal(loose.value.config.security.pepper?.reveal(), 'p'.repeat(40))
    assert.equal(loose.value.warnings?.length, 1)
    assert.match(loose.value.warnings[0] ?? '', /^security\.pepper_file: .*pepper has mode 644/)
    chmodSync(join(cwd, 'pepper'), 0o600)
    const tight = load()
    assert.ok(tight.ok)
    assert.equal(tight.value.warnings, undefined)
  })
  it('is quiet for a missing file (its read reports it)', () => {
    assert.equal(looseModeWarning(join(dir, 'absent'), 'x'), undefined)
  })
})
