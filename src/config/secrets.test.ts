import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inspect } from 'node:util'
import { Secret } from '../core/auth/secret.ts'
import type { ReadFile } from './config-file.ts'
import { mergeLayers } from './layers.ts'
import { resolveSecretFiles } from './secrets.ts'

const VALUE = 's3cret-pepper-value'

void describe('Secret', () => {
  const secret = new Secret(VALUE)
  const renderings: [string, () => string][] = [
    ['String()', () => String(secret)],
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
    ['template literal', () => `${secret}`],
    ['concatenation', () => 'x' + (secret as unknown as string)],
    ['JSON.stringify', () => JSON.stringify({ secret })],
    ['util.inspect', () => inspect(secret)],
    [
      'util.inspect nested, deep',
      () => inspect({ a: { b: [secret] } }, { depth: Infinity, showHidden: true }),
    ],
    ['Object.keys/entries', () => JSON.stringify(Object.entries(secret))],
  ]
  for (const [name, render] of renderings) {
    void it(`never prints its value via ${name}`, () => {
      const text = render()
      assert.ok(!text.includes(VALUE), text)
      if (name !== 'Object.keys/entries') assert.match(text, /\[redacted\]/)
    })
  }

  void it('reveals the value on request', () => {
    assert.equal(secret.reveal(), VALUE)
  })
})

void describe('resolveSecretFiles', () => {
  const files: Record<string, string> = { '/run/secrets/pepper': '  from-file \n', '/empty': '\n' }
  const readFile: ReadFile = (path) => {
    const text = files[path]
    if (text === undefined) throw Object.assign(new Error('EACCES'), { code: 'EACCES' })
    return text
  }
  const cases: [string, unknown, string | null, string | null][] = [
    ['absolute path', '/run/secrets/pepper', 'from-file', null],
    ['relative to cwd', 'secrets/pepper', 'from-file', null],
    ['unreadable', '/nope', null, 'cannot read secret file "/nope": permission denied'],
    ['empty', '/empty', null, 'secret file "/empty" is empty'],
    ['not a string', 5, null, 'expected a file path, got 5'],
    ['empty path', '', null, 'expected a file path, got ""'],
  ]
  for (const [name, file, want, problem] of cases) {
    void it(name, () => {
      const merged = mergeLayers([{ source: 'f.toml', tree: { security: { pepper_file: file } } }])
      const issues = resolveSecretFiles(merged, readFile, '/run')
      assert.deepEqual(merged.tree, { security: want === null ? {} : { pepper: want } })
      const expected =
        problem === null
          ? []
          : [{ path: 'security.pepper_file', source: 'f.toml', message: problem }]
      assert.deepEqual(issues, expected)
      if (want !== null) assert.equal(merged.sources.get('security.pepper'), 'f.toml')
    })
  }
})
