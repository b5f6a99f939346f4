/** Config leaves shared by the API backends' `[zones.<kind>]` tables. */
import { z } from 'zod'
import { Secret } from '../../core/auth/secret.ts'
import { expecting, secretLeaves, text } from '../../config/fields.ts'

/**
 * A secret that must be given (as `<key>` or `<key>_file`); never echoed in errors.
 * Registered as a secret leaf so `<key>_file` works and the value is redacted.
 */
export function requiredSecret(what: string) {
  const schema = z
    .string({ error: `missing: expected ${what} (value not shown)` })
    .min(1, { error: `expected ${what}, got an empty string` })
    .transform((value) => new Secret(value))
  secretLeaves.add(schema, { secret: true })
  return schema
}

/** An http(s) base URL, stored without a trailing slash. */
export function baseUrl(defaultUrl: string) {
  const what = 'an http:// or https:// URL'
  return text(what)
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
      error: expecting(what),
    })
    .transform((v) => v.replace(/\/+$/, ''))
    .default(defaultUrl)
}
