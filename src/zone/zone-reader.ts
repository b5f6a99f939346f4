/**
 * A streaming master-file reader (RFC 1035 §5.1, RFC 2308 §4 `$TTL`): lines in, records out,
 * so a large file is never held as text. `$ORIGIN`, `$TTL`, `@`, relative names, a blank
 * owner for the previous owner, TTL and class in either order, parentheses across lines,
 * quoted strings and escapes, comments, BIND TTL units. Every problem is collected with its
 * file and line (reading goes on at the next entry) up to `maxErrors`.
 *
 * Not supported: `$INCLUDE` and BIND's `$GENERATE` (each refused with an error that says
 * so), classes other than IN, quoted strings that span lines.
 */
import { nameToWire } from '../dns/name-text.ts'
import { RRType } from '../dns/constants.ts'
import { isMetaType, typeCodeOf } from './rr-types.ts'
import { parseRdata } from './rdata-parse.ts'
import { wireNameText } from './rdata-format.ts'
import { absoluteName, parseTtl } from './text-values.ts'
import { EntryJoiner, type Entry, type Token } from './tokens.ts'

/** One record as read: owner absolute (trailing dot, case kept), wire rdata. */
export interface ZoneRecord {
  readonly owner: string
  readonly ttl: number
  readonly type: number
  readonly rdata: Buffer
  readonly line: number
}

/** A problem in a zone file, with where it is. */
export interface ZoneFileProblem {
  readonly file: string
  readonly line: number
  readonly message: string
}

/** How to read: the zone's name, the file name used in messages, the error bound. */
export interface ZoneReadOptions {
  readonly origin: string
  readonly file: string
  /** Stop after this many errors (default 100). */
  readonly maxErrors?: number
}

/** `file:line: message`, the form compilers and `named-checkzone` use. */
export function formatProblem(p: ZoneFileProblem): string {
  return `${p.file}:${p.line}: ${p.message}`
}

/** Reads one zone file; `errors` fills while `records()` runs. */
export class ZoneReader {
  /** Every error so far (at most `maxErrors`, plus one saying reading stopped). */
  readonly errors: ZoneFileProblem[] = []
  private readonly zone: string
  private readonly maxErrors: number
  private origin: string
  private defaultTtl: number | undefined
  private lastTtl: number | undefined
  private owner: string | undefined
  private ownerToken = ''
  private ownerOrigin = ''

  constructor(private readonly options: ZoneReadOptions) {
    const zone = canonicalName(absoluteName(options.origin, '.'))
    this.zone = zone ?? options.origin
    this.origin = this.zone
    this.maxErrors = options.maxErrors ?? 100
  }

  /** The records of `lines`, in file order; lines with errors are left out. */
  async *records(lines: AsyncIterable<string>): AsyncGenerator<ZoneRecord> {
    if (canonicalName(this.zone) === undefined) {
      this.fail(0, `"${this.options.origin}" is not a valid zone name`)
      return
    }
    const joiner = new EntryJoiner()
    let lineNo = 0
    for await (const text of lines) {
      lineNo++
      const joined = joiner.push(text, lineNo)
      if (!joined.ok) {
        if (this.fail(lineNo, joined.error)) return
        continue
      }
      if (joined.value === undefined) continue
      const record = this.entry(joined.value)
      if (typeof record === 'string') {
        if (this.fail(joined.value.line, record)) return
      } else if (record !== undefined) {
        yield record
      }
    }
    const open = joiner.finish()
    if (open !== undefined) this.fail(joiner.startLine, open)
  }

  // Records the error; true when the bound is reached and reading must stop.
  private fail(line: number, message: string): boolean {
    this.errors.push({ file: this.options.file, line, message })
    if (this.errors.length < this.maxErrors) return false
    this.errors.push({
      file: this.options.file,
      line,
      message: `stopped after ${this.maxErrors} errors`,
    })
    return true
  }

  private entry(entry: Entry): ZoneRecord | string | undefined {
    const first = entry.tokens[0]
    if (!entry.blankOwner && first !== undefined && !first.quoted && first.text.startsWith('$')) {
      return this.directive(first.text.toUpperCase(), entry.tokens.slice(1))
    }
    let rest = entry.tokens
    if (!entry.blankOwner) {
      const owner = this.ownerOf(first?.text ?? '')
      if (owner !== undefined) return owner
      rest = rest.slice(1)
    }
    if (this.owner === undefined) return 'no owner name: the line starts with white space'
    return this.record(this.owner, rest, entry.line)
  }

  private directive(name: string, args: readonly Token[]): string | undefined {
    const arg = args[0]?.text ?? ''
    switch (name) {
      case '$ORIGIN': {
        const origin = args.length === 1 ? canonicalName(absoluteName(arg, this.origin)) : undefined
        if (origin === undefined) return `$ORIGIN needs one valid name, got "${arg}"`
        this.origin = origin
        return undefined
      }
      case '$TTL': {
        const ttl = args.length === 1 ? parseTtl(arg) : undefined
        if (ttl === undefined) return `$TTL needs one TTL, got "${arg}"`
        this.defaultTtl = ttl
        return undefined
      }
      case '$INCLUDE':
        return '$INCLUDE is not supported: put the included records in this file'
      case '$GENERATE':
        return '$GENERATE is not supported: write the generated records out'
      default:
        return `unknown directive ${name}`
    }
  }

  // Sets the current owner; an error message when the name is bad or outside the zone.
  private ownerOf(token: string): string | undefined {
    if (token === this.ownerToken && this.origin === this.ownerOrigin) return undefined
    this.owner = undefined
    this.ownerToken = ''
    const owner = canonicalName(absoluteName(token, this.origin))
    if (owner === undefined) return `"${token}" is not a valid owner name`
    if (!inZone(owner.toLowerCase(), this.zone.toLowerCase())) {
      return `${owner} is outside the zone ${this.zone}`
    }
    this.owner = owner
    this.ownerToken = token
    this.ownerOrigin = this.origin
    return undefined
  }

  private record(owner: string, tokens: readonly Token[], line: number): ZoneRecord | string {
    let ttl: number | undefined
    let classSeen = false
    let at = 0
    for (; at < 2 && at < tokens.length; at++) {
      const text = tokens[at]?.text ?? ''
      const asTtl = ttl === undefined ? parseTtl(text) : undefined
      if (asTtl !== undefined) ttl = asTtl
      else if (!classSeen && /^(IN|CLASS1)$/i.test(text)) classSeen = true
      else if (!classSeen && /^(CH|HS|NONE|ANY|CLASS\d+)$/i.test(text)) {
        return `class ${text} is not supported (only IN)`
      } else break
    }
    const mnemonic = tokens[at]?.text
    if (mnemonic === undefined) return `${owner}: no type`
    const type = typeCodeOf(mnemonic)
    if (type === undefined) return `${owner}: unknown type "${mnemonic}"`
    if (isMetaType(type)) return `${owner}: ${mnemonic} is not a record type a zone holds`
    const rdata = parseRdata(type, tokens.slice(at + 1), this.origin)
    if (!rdata.ok) return `${owner} ${mnemonic.toUpperCase()}: ${rdata.error}`
    if (ttl !== undefined) this.lastTtl = ttl
    else ttl = this.defaultTtl ?? this.lastTtl
    if (ttl === undefined && type === RRType.SOA) {
      // RFC 1035 and BIND: an SOA without any TTL known takes its own minimum.
      ttl = rdata.value.readUInt32BE(rdata.value.length - 4)
      this.lastTtl = ttl
    }
    if (ttl === undefined) return `${owner}: no TTL (give one, or set $TTL before this record)`
    return { owner, ttl, type, rdata: rdata.value, line }
  }
}

/** Normalized absolute presentation of a name (escapes canonical, case kept), or undefined. */
export function canonicalName(text: string): string | undefined {
  const wire = nameToWire(text)
  return wire.ok ? wireNameText(wire.value)?.text : undefined
}

/** True when lowercase absolute `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  if (zone === '.' || name === zone) return true
  const cut = name.length - zone.length - 1
  if (cut < 1 || name[cut] !== '.' || !name.endsWith(zone)) return false
  let slashes = 0
  for (let i = cut - 1; i >= 0 && name[i] === '\\'; i--) slashes++
  return slashes % 2 === 0
}
