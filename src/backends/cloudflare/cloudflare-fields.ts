/**
 * Record values in the shapes Cloudflare's DNS records API documents: `content` for A, AAAA,
 * CNAME, NS, PTR and TXT; `content` plus `priority` for MX; a `data` object for SRV, CAA,
 * SSHFP, TLSA, DS, SVCB and HTTPS (Cloudflare builds `content` from it). Both ways, so a
 * value read back compares equal to the one written.
 */
import type { RecordType } from '../../core/records.ts'
import { quoteString } from '../../dns/character-string.ts'
import {
  canonicalOrSelf,
  providerText,
  txtFromStrings,
  txtStrings,
} from '../shared/record-values.ts'

/** The type-dependent part of a Cloudflare record body. */
export interface CfFields {
  readonly content?: string
  readonly priority?: number
  readonly data?: Readonly<Record<string, string | number>>
}

// The `data` keys of each structured type, in presentation order; the last one takes the
// rest of the value (a CAA value, a digest, SvcParams).
const DATA_KEYS: Readonly<Partial<Record<string, readonly string[]>>> = {
  SRV: ['priority', 'weight', 'port', 'target'],
  CAA: ['flags', 'tag', 'value'],
  SSHFP: ['algorithm', 'type', 'fingerprint'],
  TLSA: ['usage', 'selector', 'matching_type', 'certificate'],
  DS: ['key_tag', 'algorithm', 'digest_type', 'digest'],
  SVCB: ['priority', 'target', 'value'],
  HTTPS: ['priority', 'target', 'value'],
}

// Keys holding text, not numbers.
const TEXT_KEYS = new Set(['target', 'tag', 'value', 'fingerprint', 'certificate', 'digest'])

/** The body fields for a dynzone value. */
export function toCfFields(type: RecordType, value: string): CfFields {
  const c = providerText(type, value)
  const keys = DATA_KEYS[type]
  if (type === 'MX') {
    const [priority = '0', target = ''] = c.split(' ')
    return { content: target, priority: Number(priority) }
  }
  if (keys === undefined) return { content: c }
  const parts = c.split(' ')
  const data: Record<string, string | number> = {}
  keys.forEach((key, i) => {
    const text = i === keys.length - 1 ? parts.slice(i).join(' ') : (parts[i] ?? '')
    data[key] = TEXT_KEYS.has(key) ? text : Number(text)
  })
  // CAA's value goes as the text itself, not a quoted character-string.
  if (type === 'CAA') data.value = txtStrings(String(data.value)).join('')
  return { data }
}

/** A record as Cloudflare returns it (the type-dependent fields). */
export interface CfListed {
  readonly content: string
  readonly priority?: number
  readonly data?: Readonly<Record<string, unknown>>
}

/** The dynzone value of a listed record. */
export function fromCfRecord(type: RecordType, r: CfListed): string {
  const keys = DATA_KEYS[type]
  if (type === 'MX') return canonicalOrSelf(type, `${String(r.priority ?? 0)} ${r.content}`)
  if (keys !== undefined && r.data !== undefined) {
    const data = r.data
    const fields = keys.map((key) => {
      const v = data[key]
      const text = typeof v === 'number' || typeof v === 'string' ? String(v) : ''
      return type === 'CAA' && key === 'value' ? quoteString(Buffer.from(text, 'utf8')) : text
    })
    return canonicalOrSelf(type, fields.join(' ').trimEnd())
  }
  // Cloudflare shows TXT content as given: quoted strings, or bare text for one string.
  if (type === 'TXT' && !r.content.trimStart().startsWith('"')) return txtFromStrings([r.content])
  return canonicalOrSelf(type, r.content)
}
