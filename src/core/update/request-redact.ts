/**
 * Secrets out of a request before the inspector keeps it, for every dialect at once:
 *
 * - by value: the credential the dialect read (a password, a token, an sftdyn key, a
 *   DuckDNS path token) is replaced wherever it appears, in the path or any parameter, so a
 *   secret in a place no rule names (a URL path, an odd parameter) still goes, and so does
 *   any piece of it (a path segment, a parameter name or value of four characters or more);
 * - by name: parameters whose name says secret (`password`, `pass`, `pwd`, `token`,
 *   `secret`, `key`, `auth`, `sig`, `hash`, `code`) are replaced whatever they hold;
 * - user names as sent (`user`, `username`, `login`) are kept only when they are the name the
 *   request authenticated as (one typed in the wrong field may be a secret);
 * - headers are never kept (Authorization, X-Api-Key): only how it authenticated.
 */
import type { Credentials, RequestWire } from './update-intent.ts'

/** What replaces a secret. */
export const REDACTED = '[redacted]'

const SECRET_NAME = /pass|pwd|token|secret|key|auth|sig|hash|code|cred/i
const USER_NAME = /^(user|username|login|usr|u)$/i
const MAX_PARAMS = 30

/** The path and parameters of `wire` without a secret, cut to bounded sizes. */
export function redactWire(
  wire: RequestWire,
  credentials: Credentials | null,
  userName: string | undefined,
): { path: string; params: Record<string, string> } {
  const secrets = secretValues(credentials)
  // A secret cut in pieces (an sftdyn key taken raw, with a `?` or `/` in it, arrives as
  // path and parameters) goes piece by piece: any part of it of four characters or more.
  const partOfSecret = (text: string): boolean =>
    text.length >= 4 && secrets.some((s) => s.includes(text))
  const scrub = (text: string): string => {
    if (partOfSecret(text)) return REDACTED
    let out = text
    for (const s of secrets) out = out.split(s).join(REDACTED)
    return out
      .split('/')
      .map((part) => (partOfSecret(part) ? REDACTED : part))
      .join('/')
  }
  const params: Record<string, string> = {}
  let n = 0
  for (const [name, value] of wire.params) {
    if (n++ >= MAX_PARAMS) break
    const key = scrub(name).slice(0, 64)
    if (SECRET_NAME.test(name)) params[key] = REDACTED
    else if (USER_NAME.test(name) && value !== userName) params[key] = REDACTED
    else params[key] = scrub(value).slice(0, 200)
  }
  return { path: scrub(wire.path).slice(0, 300), params }
}

// The secret text the credential carries, longest first (so a secret containing another
// goes whole). An empty or one-character secret would scrub everything: those are refused
// by the gate anyway and are not worth matching.
function secretValues(credentials: Credentials | null): string[] {
  if (credentials === null) return []
  const values = [credentials.secret.reveal()]
  try {
    const encoded = encodeURIComponent(values[0] ?? '')
    if (encoded !== values[0]) values.push(encoded)
  } catch {
    // A lone surrogate cannot be encoded; the raw form is enough.
  }
  return values.filter((v) => v.length >= 2).sort((a, b) => b.length - a.length)
}
