/**
 * What a bad configuration looks like to the user: every problem at once, one line each,
 * naming the key, where the value came from, and what is wrong with it.
 */

/** Exit status for a configuration error (`EX_CONFIG` from sysexits.h). */
export const CONFIG_EXIT_CODE = 78

/** One problem with one key from one source. */
export interface ConfigIssue {
  /** Key path such as `http.port` or `zones[1].name`; `""` when the problem is not about a key. */
  readonly path: string
  /** A file path, `environment variable DYNZONE_X`, `command line` or `defaults`. */
  readonly source: string
  readonly message: string
}

/** Why the configuration was refused: all issues, and a message with one line per issue. */
export interface ConfigError {
  readonly message: string
  readonly issues: readonly ConfigIssue[]
}

/** One line for an issue: `source: path: message`, leaving out what the message already says. */
export function formatIssue(issue: ConfigIssue): string {
  const parts: string[] = []
  const variable = issue.source.replace(/^environment variable /, '')
  if (variable === issue.source || !issue.message.includes(variable)) parts.push(issue.source)
  if (issue.path !== '' && !issue.message.includes(`"${issue.path}"`)) parts.push(issue.path)
  parts.push(issue.message)
  return parts.join(': ')
}

/** Builds the error value from the collected issues. */
export function configError(issues: readonly ConfigIssue[]): ConfigError {
  return { message: issues.map(formatIssue).join('\n'), issues }
}

/** ` (did you mean "x"?)` when one candidate is within two edits of `word`, else `""`. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
