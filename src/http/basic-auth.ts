/** RFC 7617 Basic credentials from an Authorization header; null when absent or malformed. */

/** Parses `Authorization: Basic base64(user:pass)`. */
export function parseBasicAuth(
  header: string | undefined,
): { username: string; password: string } | null {
  if (header === undefined) return null
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (match?.[1] === undefined) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return null
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
