/**
 * TXT values for APIs that store TXT data as text (DigitalOcean, Hetzner, Rackspace): one
 * character-string is sent bare, as their documentation and dashboards show it; several are
 * sent in zone-file form (quoted, space separated), which those APIs pass through.
 */
import { canonicalOrSelf, txtFromStrings, txtStrings } from './record-values.ts'

/** The TXT data to send for a dynzone TXT value. */
export function txtToData(value: string): string {
  const [first, ...rest] = txtStrings(value)
  // A bare string starting with a quote would read back as quoted strings.
  return first !== undefined && rest.length === 0 && !first.trimStart().startsWith('"')
    ? first
    : canonicalOrSelf('TXT', value)
}

/** The dynzone TXT value of TXT data as an API returns it (bare text, or quoted strings). */
export function txtFromData(data: string): string {
  return data.trimStart().startsWith('"') ? canonicalOrSelf('TXT', data) : txtFromStrings([data])
}
