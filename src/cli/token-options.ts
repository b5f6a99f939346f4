/** Parses `token create` limits: `--expires` (duration or date), `--type`, `--from`. */
import { parseCidr, type Cidr } from '../core/addresses/addresses.ts'
import { err, ok, type Result } from '../core/result.ts'
import { parseRestrictableType, type RestrictableType } from '../core/auth/token-restrictions.ts'

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }

/** `90d`, `12h`, `30m`, `2w`, `3600s` from now, or an ISO 8601 date; must lie in the future. */
export function parseExpiry(text: string, now: Date): Result<Date, string> {
  const t = text.trim()
  const d = /^(\d{1,7})([smhdw])$/.exec(t)
  let at: Date
  if (d !== null) {
    at = new Date(now.getTime() + Number(d[1]) * (UNIT_SECONDS[d[2] ?? 's'] ?? 1) * 1000)
  } else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    at = new Date(t)
  } else {
    return err(
      `--expires: "${t.slice(0, 40)}" is not a date (2027-01-31) or a duration (30d, 12h, 2w)`,
    )
  }
  if (Number.isNaN(at.getTime())) return err(`--expires: "${t.slice(0, 40)}" is not a date`)
  if (at.getTime() <= now.getTime())
    return err(`--expires: ${at.toISOString()} is not in the future`)
  return ok(at)
}

/** Reads repeated `--type` values. */
export function parseTypes(values: readonly string[]): Result<RestrictableType[], string> {
  const out: RestrictableType[] = []
  for (const v of values) {
    const t = parseRestrictableType(v)
    if (!t.ok) return err(`--type: ${t.error}`)
    if (!out.includes(t.value)) out.push(t.value)
  }
  return ok(out)
}

/** Reads repeated `--from` values. */
export function parseSources(values: readonly string[]): Result<Cidr[], string> {
  const out: Cidr[] = []
  for (const v of values) {
    const c = parseCidr(v)
    if (!c.ok) return err(`--from: ${c.error.message}`)
    out.push(c.value)
  }
  return ok(out)
}
