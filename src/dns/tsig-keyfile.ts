/**
 * BIND key files (named.conf `key` statements) as `tsig-keygen`, `ddns-confgen` and
 * `rndc-confgen` write them, and BIND's own `session.key` (the key `nsupdate -l` uses):
 *
 *     key "name" { algorithm hmac-sha256; secret "base64=="; };
 *
 * Several keys per file, `#`, `//` and `/* … *\/` comments, any layout. Other statements
 * (`options`, `zone`, …) are errors: a key file holds keys. Errors name the file and line.
 */
import { err, ok, type Result } from '../core/result.ts'
import { Secret } from '../core/auth/secret.ts'
import { TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from './tsig.ts'

/** Why a key file was refused: `file:line: what`. */
export interface KeyFileError {
  readonly code: 'bad-key-file'
  readonly message: string
}

interface Token {
  readonly text: string
  readonly quoted: boolean
  readonly line: number
}

/** Parses the text of a key file; `file` only names it in messages. */
export function parseKeyFile(text: string, file: string): Result<TsigKey[], KeyFileError> {
  const tokens = tokenize(text)
  if (!tokens.ok) return fail(file, tokens.error.line, tokens.error.message)
  const list = tokens.value
  const keys: TsigKey[] = []
  let i = 0
  const expect = (what: string, test: (t: Token) => boolean): Token | string => {
    const t = list[i]
    if (t === undefined) return `expected ${what}, got the end of the file`
    i++
    return test(t) ? t : `expected ${what}, got "${t.text}"`
  }
  const lineAt = (): number => list[Math.min(i, list.length - 1)]?.line ?? 1
  while (i < list.length) {
    const start = list[i]
    if (start?.text !== 'key' || start.quoted) {
      return fail(file, start?.line ?? 1, `expected "key", got "${start?.text ?? ''}"`)
    }
    i++
    const name = expect('a key name', (t) => t.text !== '{' && t.text !== ';')
    if (typeof name === 'string') return fail(file, lineAt(), name)
    const open = expect('"{"', (t) => t.text === '{' && !t.quoted)
    if (typeof open === 'string') return fail(file, lineAt(), open)
    const fields = new Map<string, Token>()
    for (;;) {
      const field = expect('"algorithm", "secret" or "}"', (t) => !t.quoted)
      if (typeof field === 'string') return fail(file, lineAt(), field)
      if (field.text === '}') break
      if (field.text !== 'algorithm' && field.text !== 'secret') {
        return fail(file, field.line, `unknown key field "${field.text}"`)
      }
      const value = expect(`a value for ${field.text}`, (t) => t.text !== ';' || t.quoted)
      if (typeof value === 'string') return fail(file, lineAt(), value)
      const semi = expect('";"', (t) => t.text === ';' && !t.quoted)
      if (typeof semi === 'string') return fail(file, lineAt(), semi)
      fields.set(field.text, value)
    }
    const close = expect('";" after "}"', (t) => t.text === ';' && !t.quoted)
    if (typeof close === 'string') return fail(file, lineAt(), close)
    const key = buildKey(name, fields, keys)
    if (typeof key === 'string') return fail(file, name.line, key)
    keys.push(key)
  }
  if (keys.length === 0) return fail(file, 1, 'no key statement in the file')
  return ok(keys)
}

function buildKey(name: Token, fields: Map<string, Token>, seen: TsigKey[]): TsigKey | string {
  const keyName = name.text.replace(/\.$/, '').toLowerCase()
  if (keyName === '' || !/^[a-z0-9._-]+$/.test(keyName)) return `invalid key name "${name.text}"`
  if (seen.some((k) => k.name === keyName)) return `key "${keyName}" is defined twice`
  const algorithm = fields.get('algorithm')?.text.toLowerCase()
  const secret = fields.get('secret')?.text
  if (algorithm === undefined) return `key "${keyName}" has no algorithm`
  if (secret === undefined) return `key "${keyName}" has no secret`
  const alg = algorithm === 'hmac-md5.sig-alg.reg.int' ? 'hmac-md5' : algorithm
  if (!(alg in TSIG_ALGORITHMS)) {
    return `key "${keyName}": unsupported algorithm "${algorithm}" (expected one of ${Object.keys(TSIG_ALGORITHMS).join(', ')})`
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || Buffer.from(secret, 'base64').length === 0) {
    return `key "${keyName}": secret is not base64 (value not shown)`
  }
  return { name: keyName, algorithm: alg as TsigAlgorithm, secret: new Secret(secret) }
}

function fail(file: string, line: number, message: string): Result<never, KeyFileError> {
  return err({ code: 'bad-key-file', message: `${file}:${line}: ${message}` })
}

function tokenize(text: string): Result<Token[], { line: number; message: string }> {
  const out: Token[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const c = text[i] ?? ''
    if (c === '\n') {
      line++
      i++
    } else if (/\s/.test(c)) {
      i++
    } else if (c === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) return err({ line, message: 'unterminated /* comment' })
      line += text.slice(i, end).split('\n').length - 1
      i = end + 2
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0 || text.slice(i, end).includes('\n')) {
        return err({ line, message: 'unterminated quoted string' })
      }
      out.push({ text: text.slice(i + 1, end), quoted: true, line })
      i = end + 1
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ text: c, quoted: false, line })
      i++
    } else {
      const m = /^[^\s{};"#]+/.exec(text.slice(i))
      const word = m?.[0] ?? c
      out.push({ text: word, quoted: false, line })
      i += word.length
    }
  }
  return ok(out)
}
