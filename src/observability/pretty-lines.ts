/**
 * `log.format = "pretty"`: the same log lines, rendered for a person at a terminal as
 * `time LEVEL msg key=value …` instead of JSON. It reads the JSON pino wrote, after the
 * logger's censoring, so what is redacted stays redacted. (pino-pretty does this with
 * colours and options; this small renderer needs no dependency.)
 */
import type { DestinationStream } from 'pino'

const LEVELS: Partial<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}

// Fields every line has, shown in the prefix or not at all.
const OMIT = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'name'])

/** One JSON log line as `time LEVEL msg key=value …` (an error's stack on the lines after). */
export function prettyLine(json: string): string {
  let fields: Record<string, unknown>
  try {
    fields = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : json + '\n'
  }
  const time = typeof fields.time === 'number' ? new Date(fields.time).toISOString() : ''
  const level = LEVELS[Number(fields.level)] ?? String(fields.level)
  const parts = [time, level.padEnd(5), typeof fields.msg === 'string' ? fields.msg : '']
  let stack = ''
  for (const [key, value] of Object.entries(fields)) {
    if (OMIT.has(key)) continue
    if (key === 'err' && typeof value === 'object' && value !== null) {
      const e = value as { message?: unknown; stack?: unknown }
      parts.push(`err=${text(e.message)}`)
      if (typeof e.stack === 'string') stack = '\n    ' + e.stack.split('\n').join('\n    ')
      continue
    }
    parts.push(`${key}=${text(value)}`)
  }
  return parts.filter((p) => p !== '').join(' ') + stack + '\n'
}

// Bare when unambiguous; quoted (JSON) when it has spaces, quotes or `=`; objects as JSON.
function text(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  return value === undefined ? '-' : JSON.stringify(value)
}

/** A pino destination that writes each line pretty to `out`. */
export function prettyDestination(out: { write(text: string): unknown }): DestinationStream {
  return {
    write(line: string): void {
      out.write(prettyLine(line))
    },
  }
}
