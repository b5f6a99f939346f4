/**
 * The `[zones.rfc2136]` table and how its key settings become one TSIG key: from a BIND key
 * file (`key_file`, optionally picking `key_name` among several keys), or from `key_name` +
 * `algorithm` + `secret` (`secret_file` is resolved by the config loader). The key file is
 * read when the backend first needs the key (its start-up check).
 */
import { z } from 'zod'
import { boolean, filePath, integer, oneOf, secret, table, text } from '../../config/fields.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKey } from '../../dns/tsig.ts'
import { parseKeyFile } from '../../dns/tsig-keyfile.ts'

const ALGORITHMS = Object.keys(TSIG_ALGORITHMS) as [TsigAlgorithm, ...TsigAlgorithm[]]

/** Settings of the rfc2136 backend. */
export const rfc2136Settings = table({
  server: text('a host name or IP address of the primary server'),
  port: integer(1, 65535).default(53),
  key_file: filePath('a path to a BIND key file').optional(),
  key_name: text('a TSIG key name').optional(),
  algorithm: oneOf(ALGORITHMS).default('hmac-sha256'),
  secret: secret().optional(),
  timeout_ms: integer(100, 60000).default(5000),
  tcp: boolean().default(false),
}).superRefine((s, ctx) => {
  const sources = [s.key_file, s.secret ?? undefined].filter((v) => v != null)
  if (sources.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['key_file'],
      message: 'set exactly one of key_file or secret/secret_file (a TSIG key is required)',
    })
  }
  if (s.key_file === undefined && s.key_name === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['key_name'],
      message: 'missing: key_name goes with secret',
    })
  }
})

/** Parsed `[zones.rfc2136]` settings. */
export type Rfc2136Settings = z.output<typeof rfc2136Settings>

/** Reads a file as text; injected so tests need no disk. */
export type ReadText = (path: string) => string

/** The TSIG key the settings describe. */
export function resolveKey(s: Rfc2136Settings, readText: ReadText): Result<TsigKey, string> {
  if (s.key_file !== undefined) {
    let text: string
    try {
      text = readText(s.key_file)
    } catch (e) {
      return err(`cannot read key file ${s.key_file}: ${(e as Error).message}`)
    }
    const keys = parseKeyFile(text, s.key_file)
    if (!keys.ok) return err(keys.error.message)
    const wanted = s.key_name?.replace(/\.$/, '').toLowerCase()
    const key = wanted === undefined ? keys.value[0] : keys.value.find((k) => k.name === wanted)
    if (key === undefined) return err(`key "${wanted ?? ''}" is not in ${s.key_file}`)
    if (wanted === undefined && keys.value.length > 1) {
      return err(`${s.key_file} holds ${keys.value.length} keys: set key_name to pick one`)
    }
    return ok(key)
  }
  const secretValue = s.secret ?? undefined
  if (secretValue === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(secretValue.reveal())) {
    return err('the TSIG secret is not base64 (value not shown)')
  }
  const name = (s.key_name ?? '').replace(/\.$/, '').toLowerCase()
  return ok({ name, algorithm: s.algorithm, secret: secretValue })
}
