import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseKeyFile } from './tsig-keyfile.ts'

const TSIG_KEYGEN = `key "dyn.example.test-key" {
\talgorithm hmac-sha256;
\tsecret "JCBoGCeWYTnjl1jp1PujidaF7hTxWXNqMTIqRwfblsY=";
};
`
// As BIND 9.18 writes session.key.
const SESSION_KEY = `key "local-ddns" {
\talgorithm hmac-sha256;
\tsecret "U2Vzc2lvbktleVNlc3Npb25LZXlTZXNzaW9uS2V5MTI=";
};
`

describe('parseKeyFile', () => {
  it('reads a tsig-keygen key', () => {
    const r = parseKeyFile(TSIG_KEYGEN, 'k.key')
    assert.ok(r.ok)
    assert.deepEqual(
      r.value.map((k) => [k.name, k.algorithm, k.secret.reveal()]),
      [['dyn.example.test-key', 'hmac-sha256', 'JCBoGCeWYTnjl1jp1PujidaF7hTxWXNqMTIqRwfblsY=']],
    )
    assert.equal(String(r.value[0]?.secret), '[redacted]')
  })

  it("reads BIND's session.key", () => {
    const r = parseKeyFile(SESSION_KEY, '/run/named/session.key')
    assert.ok(r.ok)
    assert.equal(r.value[0]?.name, 'local-ddns')
  })

  it('reads several keys, comments and one-line layout', () => {
    const text = `# rotated 2024
// old key, still accepted
key old. { algorithm HMAC-MD5.SIG-ALG.REG.INT; secret "b2xkb2xkb2xk"; }; /* new:
 below */ key "new" { secret "bmV3bmV3bmV3"; algorithm hmac-sha512; };`
    const r = parseKeyFile(text, 'keys.conf')
    assert.ok(r.ok)
    assert.deepEqual(
      r.value.map((k) => [k.name, k.algorithm]),
      [
        ['old', 'hmac-md5'],
        ['new', 'hmac-sha512'],
      ],
    )
  })

  const bad: [string, string, string][] = [
    [
      'missing semicolon',
      'key "a" {\n algorithm hmac-sha256\n secret "YWJj"; };',
      'k:3: expected ";"',
    ],
    [
      'unknown algorithm',
      'key "a" {\n algorithm hmac-sha3;\n secret "YWJj"; };',
      'k:1: key "a": unsupported algorithm "hmac-sha3"',
    ],
    ['no secret', 'key "a" { algorithm hmac-sha256; };', 'k:1: key "a" has no secret'],
    [
      'bad base64',
      '\nkey "a" { algorithm hmac-sha256; secret "not base64!"; };',
      'k:2: key "a": secret is not base64',
    ],
    ['another statement', 'options { };', 'k:1: expected "key", got "options"'],
    ['an empty file', '# nothing\n', 'k:1: no key statement in the file'],
    [
      'a duplicate',
      'key a { algorithm hmac-sha1; secret "YWJj"; };\nkey A { algorithm hmac-sha1; secret "YWJj"; };',
      'k:2: key "a" is defined twice',
    ],
    ['an open quote', 'key "a { };', 'k:1: unterminated quoted string'],
  ]
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with file and line`, () => {
      const r = parseKeyFile(text, 'k')
      const error = r.ok ? '' : r.error.message
      assert.ok(error.startsWith(message), error)
      assert.ok(!error.includes('YWJj'))
    })
  }
})
