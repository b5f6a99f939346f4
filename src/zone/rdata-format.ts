/**
 * Canonical presentation of rdata, as BIND's `named-compilezone -s full` prints it: names
 * absolute with the trailing dot, strings always quoted, hex upper-case in 56-digit words,
 * SvcParams by ascending key, any type without a text form as RFC 3597 `\# <len> <HEX>`.
 * Malformed rdata (wrong length, a name running past the end) is an error.
 */
import { formatIPv6 } from '../dns/ip-address.ts'
import { quoteString } from '../dns/character-string.ts'
import { labelToText } from '../dns/name-text.ts'
import { err, ok, type Result } from '../core/result.ts'
import { knownType, type RdataField } from './rr-types.ts'
import { formatSvcParams } from './svc-params.ts'

/** How names in rdata are written: `absolute` with the trailing dot (zone files), or `bare`. */
export type NameStyle = 'absolute' | 'bare'

/**
 * Presentation text of `rdata` of type `type`. `bare` names drop the trailing dot (the root
 * stays `.`): the form of record values in the store, the API and the backends.
 */
export function formatRdata(
  type: number,
  rdata: Buffer,
  names: NameStyle = 'absolute',
): Result<string, string> {
  const known = knownType(type)
  if (known === undefined) return ok(formatGeneric(rdata))
  const parts: string[] = []
  let at = 0
  for (const field of known.fields) {
    const read = formatField(field, rdata, at, names)
    if (!read.ok) return err(`${known.name}: ${read.error}`)
    parts.push(read.value.text)
    at = read.value.end
  }
  if (at !== rdata.length) return err(`${known.name}: rdata longer than its fields`)
  return ok(parts.filter((p) => p !== '').join(' '))
}

/** The RFC 3597 §5 form of any rdata. */
export function formatGeneric(rdata: Buffer): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hexWords(rdata)}`
}

/** Absolute presentation of an uncompressed wire name (trailing dot; the root is `.`). */
export function wireNameText(wire: Buffer, start = 0): { text: string; end: number } | undefined {
  let text = ''
  let at = start
  for (;;) {
    const length = wire[at]
    if (length === undefined || length > 63 || at + 1 + length > wire.length) return undefined
    if (length === 0) return { text: text === '' ? '.' : text, end: at + 1 }
    text += labelToText(wire, at + 1, at + 1 + length) + '.'
    at += 1 + length
    if (at - start > 255) return undefined
  }
}

function hexWords(bytes: Buffer): string {
  const hex = bytes.toString('hex').toUpperCase()
  if (hex.length <= 56) return hex
  const words: string[] = []
  for (let at = 0; at < hex.length; at += 56) words.push(hex.slice(at, at + 56))
  return words.join(' ')
}

type Read = Result<{ text: string; end: number }, string>

const SIZES: Partial<Record<RdataField, number>> = {
  u8: 1,
  u16: 2,
  u32: 4,
  timer: 4,
  ipv4: 4,
  ipv6: 16,
}

function formatField(field: RdataField, rdata: Buffer, at: number, names: NameStyle): Read {
  const size = SIZES[field]
  if (size !== undefined && at + size > rdata.length) return err('rdata shorter than its fields')
  switch (field) {
    case 'u8':
      return ok({ text: String(rdata[at]), end: at + 1 })
    case 'u16':
      return ok({ text: String(rdata.readUInt16BE(at)), end: at + 2 })
    case 'u32':
    case 'timer':
      return ok({ text: String(rdata.readUInt32BE(at)), end: at + 4 })
    case 'ipv4':
      return ok({ text: [...rdata.subarray(at, at + 4)].join('.'), end: at + 4 })
    case 'ipv6':
      return ok({ text: formatIPv6(rdata.subarray(at, at + 16)), end: at + 16 })
    case 'name': {
      const name = wireNameText(rdata, at)
      if (name === undefined) return err('malformed name')
      return names === 'bare' && name.text !== '.'
        ? ok({ ...name, text: name.text.slice(0, -1) })
        : ok(name)
    }
    case 'strings':
      return formatStrings(rdata, at)
    case 'tag': {
      const length = rdata[at] ?? 0
      if (length === 0 || at + 1 + length > rdata.length) return err('malformed CAA tag')
      return ok({ text: rdata.toString('latin1', at + 1, at + 1 + length), end: at + 1 + length })
    }
    case 'rest-string':
      return ok({ text: quoteString(rdata.subarray(at)), end: rdata.length })
    case 'hex':
      if (at >= rdata.length) return err('empty hex field')
      return ok({ text: hexWords(rdata.subarray(at)), end: rdata.length })
    case 'svc-params': {
      const text = formatSvcParams(rdata.subarray(at))
      return text.ok ? ok({ text: text.value, end: rdata.length }) : text
    }
  }
}

function formatStrings(rdata: Buffer, start: number): Read {
  const strings: string[] = []
  let at = start
  while (at < rdata.length) {
    const length = rdata[at] ?? 0
    if (at + 1 + length > rdata.length) return err('string runs past the rdata')
    strings.push(quoteString(rdata.subarray(at + 1, at + 1 + length)))
    at += 1 + length
  }
  if (strings.length === 0) return err('no strings')
  return ok({ text: strings.join(' '), end: at })
}
