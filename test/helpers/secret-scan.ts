/**
 * Finds secrets in log text, in the forms a leak takes: as is, URL-encoded (a logged query
 * string), form-encoded, and inside base64 (a logged `Authorization: Basic` header, where
 * the secret follows `user:` at any byte offset). Built for many secrets over megabytes of
 * logs: one map lookup per text position on an 8-character prefix, then a full compare.
 */

/** A secret found in a text: which secret (index), in which form, on which line. */
export interface SecretHit {
  readonly secret: number
  readonly form: 'plain' | 'url-encoded' | 'form-encoded' | 'base64'
  readonly line: number
}

const KEY_LENGTH = 8

interface Form {
  readonly text: string
  readonly secret: number
  readonly form: SecretHit['form']
}

/** The base64 of `secret` after a prefix of 0, 1 or 2 bytes (mod 3), less the edges it shares. */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms: string[] = []
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
    // The first 4-character group holds prefix bits when k > 0; the last one suffix bits
    // (or padding) unless the secret ends on a group boundary.
    const start = k === 0 ? 0 : 4
    const end = (k + bytes.length) % 3 === 0 ? b64.length : b64.length - 4
    const middle = b64.slice(start, Math.max(start, end))
    if (middle.length >= KEY_LENGTH) forms.push(middle)
  }
  return forms
}

/** A scanner for `secrets` (each at least 8 characters; shorter ones are ignored). */
export function secretScanner(secrets: readonly string[]): (text: string) => SecretHit[] {
  const byKey = new Map<string, Form[]>()
  const add = (text: string, secret: number, form: SecretHit['form']): void => {
    if (text.length < KEY_LENGTH) return
    const key = text.slice(0, KEY_LENGTH)
    const list = byKey.get(key) ?? []
    if (!list.some((f) => f.text === text)) list.push({ text, secret, form })
    byKey.set(key, list)
  }
  secrets.forEach((s, i) => {
    add(s, i, 'plain')
    add(encodeURIComponent(s), i, 'url-encoded')
    add(new URLSearchParams({ s }).toString().slice(2), i, 'form-encoded')
    for (const b of base64Forms(s)) add(b, i, 'base64')
  })
  return (text) => {
    const hits: SecretHit[] = []
    let line = 1
    for (let i = 0; i + KEY_LENGTH <= text.length; i++) {
      if (text.charCodeAt(i) === 10) line++
      const forms = byKey.get(text.slice(i, i + KEY_LENGTH))
      if (forms === undefined) continue
      for (const f of forms) {
        if (text.startsWith(f.text, i)) hits.push({ secret: f.secret, form: f.form, line })
      }
    }
    return hits
  }
}

/** A secret shown safely in a failure message: its first two characters and its length. */
export function masked(secret: string): string {
  return `${secret.slice(0, 2)}… (${String(secret.length)} chars)`
}
