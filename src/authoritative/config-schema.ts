/**
 * Config of the built-in server's TSIG keys: `[[dns.update_keys]]`, each a key (inline
 * `secret`, `secret_file`, or a BIND `key_file`) and its `grant` rules, the way BIND's
 * `update-policy` grants names and types. See README.md in this folder.
 */
import { z } from 'zod'
import { parseName, type Fqdn } from '../core/names.ts'
import { GRANT_MATCHES, type UpdateGrant } from '../core/update/update-policy.ts'
import { filePath, list, oneOf, secret, table, text } from '../config/fields.ts'
import { TSIG_ALGORITHMS, type TsigAlgorithm } from '../dns/tsig.ts'
import { RECORD_TYPES } from '../core/records.ts'

const ALGORITHMS = Object.keys(TSIG_ALGORITHMS) as [TsigAlgorithm, ...TsigAlgorithm[]]

const grant = table({
  name: text('a name or pattern such as "_acme-challenge.*.dyn.example.com"').optional(),
  match: oneOf(GRANT_MATCHES).optional(),
  // Any type a zone can hold; `[]`: all of them.
  types: list(oneOf(RECORD_TYPES), 'a list of record types such as ["TXT", "MX"]').default([]),
}).transform((g, ctx): UpdateGrant => {
  const match = g.match ?? (g.name?.includes('*') === true ? 'wildcard' : 'name')
  if (match === 'self' || match === 'selfsub') return { match, name: null, types: g.types }
  if (g.name === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: `missing: match "${match}" needs a name`,
    })
    return { match, name: null, types: g.types }
  }
  // `*` labels are checked as an ordinary label would be, then put back.
  const checked = parseName(g.name.replace(/(^|\.)\*(?=\.|$)/g, '$1x'))
  if (!checked.ok || (match !== 'wildcard' && g.name.includes('*'))) {
    const why = checked.ok ? `"*" needs match = "wildcard"` : checked.error.message
    ctx.addIssue({ code: 'custom', path: ['name'], message: why })
    return { match, name: null, types: g.types }
  }
  const labels = g.name.toLowerCase().replace(/\.$/, '').split('.')
  const name = checked.value
    .split('.')
    .map((l, i) => (labels[i] === '*' ? '*' : l))
    .join('.') as Fqdn
  return { match, name, types: g.types }
})

/** One `[[dns.update_keys]]` table. */
export const updateKeySchema = table({
  name: text('a key name such as "acme-key"'),
  algorithm: oneOf(ALGORITHMS).default('hmac-sha256'),
  secret: secret().prefault(''),
  key_file: filePath('a BIND key file path (tsig-keygen output)').default(''),
  grant: list(grant, 'a list of grants such as [{ name = "...", types = ["TXT"] }]').default([]),
}).superRefine((k, ctx) => {
  if ((k.secret === null) === (k.key_file === '')) {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: 'give exactly one of secret, secret_file or key_file',
    })
  }
})

/** The `update_keys` list. */
export const updateKeysSchema = list(updateKeySchema, 'a list of [[dns.update_keys]] tables')
  .default([])
  .superRefine((keys, ctx) => {
    const seen = new Set<string>()
    keys.forEach((k, i) => {
      const name = k.name.toLowerCase().replace(/\.$/, '')
      if (seen.has(name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate key "${name}"` })
      }
      seen.add(name)
    })
  })

/** A parsed `[[dns.update_keys]]` table. */
export type UpdateKeyConfig = z.output<typeof updateKeySchema>
