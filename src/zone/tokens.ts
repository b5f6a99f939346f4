/**
 * Master-file lexing (RFC 1035 §5.1): physical lines joined into entries by parentheses,
 * `;` comments, `"quoted strings"` and backslash escapes (`\X`, `\DDD`) kept raw in each
 * token for the field that reads it (a name and a string unescape differently). A line
 * that starts with white space has no owner: it belongs to the previous owner.
 */
import { err, ok, type Result } from '../core/result.ts'

/** One token as written, escapes still in it; `quoted` when it was a `"…"` string. */
export interface Token {
  readonly text: string
  readonly quoted: boolean
}

/** One entry: a record or a directive, possibly joined from several lines. */
export interface Entry {
  /** Line the entry starts on (1-based). */
  readonly line: number
  /** True when the first line starts with white space (the previous owner applies). */
  readonly blankOwner: boolean
  readonly tokens: readonly Token[]
}

/** Joins physical lines into entries; keeps the parenthesis state between lines. */
export class EntryJoiner {
  private tokens: Token[] = []
  private start = 0
  private blankOwner = false
  private open = false

  /** Feeds one line; returns a finished entry, undefined (blank, or inside parentheses). */
  push(text: string, line: number): Result<Entry | undefined, string> {
    if (!this.open) {
      this.tokens = []
      this.start = line
      this.blankOwner = text.length > 0 && (text[0] === ' ' || text[0] === '\t')
    }
    const problem = this.lex(text)
    if (problem !== undefined) {
      this.open = false
      return err(problem)
    }
    if (this.open || this.tokens.length === 0) return ok(undefined)
    return ok({ line: this.start, blankOwner: this.blankOwner, tokens: this.tokens })
  }

  /** At the end of input: an error when a parenthesis is still open. */
  finish(): string | undefined {
    return this.open ? `"(" opened on line ${this.start} is never closed` : undefined
  }

  /** The line the pending entry started on. */
  get startLine(): number {
    return this.start
  }

  private lex(text: string): string | undefined {
    const n = text.length
    let i = 0
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++
      } else if (c === 0x3b) {
        return undefined
      } else if (c === 0x28) {
        if (this.open) return 'nested "(" is not allowed'
        this.open = true
        i++
      } else if (c === 0x29) {
        if (!this.open) return '")" without "("'
        this.open = false
        i++
      } else {
        const end = c === 0x22 ? quotedEnd(text, i) : wordEnd(text, i)
        if (end < 0) return 'unterminated quoted string'
        const quoted = c === 0x22
        this.tokens.push({ text: quoted ? text.slice(i + 1, end - 1) : text.slice(i, end), quoted })
        i = end
      }
    }
    return undefined
  }
}

// End (exclusive) of a quoted string starting at `i`, or -1 when the line ends first.
function quotedEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 0x5c) j++
    else if (c === 0x22) return j + 1
  }
  return -1
}

// End of a bare word; `key="quoted value"` (RFC 9460 §2.1) stays one word.
function wordEnd(text: string, i: number): number {
  let j = i
  while (j < text.length) {
    const c = text.charCodeAt(j)
    if (c === 0x5c) {
      j += 2
      continue
    }
    if (c === 0x22) {
      if (text.charCodeAt(j - 1) !== 0x3d) return j
      const end = quotedEnd(text, j)
      if (end < 0) return -1
      j = end
      continue
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x3b || c === 0x28 || c === 0x29) return j
    j++
  }
  return Math.min(j, text.length)
}
