/** Split horizon input: a host's LAN addresses as typed by an admin, checked and normalised. */
import { parseIpOf } from './addresses.ts'
import { err, ok, type Result } from '../result.ts'

/** LAN addresses to set (text), clear (`null`) or keep (absent). */
export interface LanInput {
  readonly ipv4?: string | null
  readonly ipv6?: string | null
}

/** Checks each given address is of its family; returns them in canonical text. */
export function parseLan(lan: LanInput): Result<LanInput, string> {
  const out: { ipv4?: string | null; ipv6?: string | null } = {}
  for (const [key, family] of [
    ['ipv4', 4],
    ['ipv6', 6],
  ] as const) {
    const value = lan[key]
    if (value === undefined) continue
    if (value === null) {
      out[key] = null
      continue
    }
    const ip = parseIpOf(value, family)
    if (!ip.ok) return err(`LAN ${key === 'ipv4' ? 'IPv4' : 'IPv6'}: ${ip.error.message}`)
    out[key] = ip.value.text
  }
  return ok(out)
}
