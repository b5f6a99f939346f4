/**
 * Secrets from files: a `<key>_file` key (`security.pepper_file`, `zones[].<backend>.*_file`) names a file
 * whose trimmed contents become `<key>`, as with Docker and Kubernetes secrets. The file is
 * read once, at load time; the value itself never appears in a message.
 */
import { resolve } from 'node:path'
import { tryRead, type ReadFile } from './config-file.ts'
import { looseModeWarning } from '../security/file-mode.ts'
import type { ConfigIssue } from './errors.ts'
import { describeInput } from './fields.ts'
import { CONFIG_KEYS, formatPath } from './keys.ts'
import { deletePath, getPath, locate, setPath, type Located, type Merged } from './layers.ts'

/**
 * Replaces each `<key>_file` in the merged tree by `<key>` = the file's trimmed contents.
 * A file readable by group or others adds a line to `warnings` (not an issue: it still loads).
 */
export function resolveSecretFiles(
  merged: Merged,
  readFile: ReadFile,
  cwd: string,
  warnings: string[] = [],
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const key of CONFIG_KEYS) {
    if (key.role !== 'secret-file') continue
    for (const at of locate(merged.tree, key.path, [])) {
      resolveOne(merged, readFile, cwd, at, issues, warnings)
    }
  }
  return issues
}

function resolveOne(
  merged: Merged,
  readFile: ReadFile,
  cwd: string,
  at: Located,
  issues: ConfigIssue[],
  warnings: string[],
): void {
  const file = getPath(at.table, at.path)
  if (file === undefined) return
  deletePath(at.table, at.path)
  const key = formatPath(at.display)
  // A key inside [[zones]] has no source of its own: the list's source is named.
  const source = merged.sources.get(key) ?? merged.sources.get(String(at.display[0])) ?? 'defaults'
  const problem = (message: string): void => {
    issues.push({ path: key, source, message })
  }
  if (typeof file !== 'string' || file === '') {
    problem(`expected a file path, got ${describeInput(file)}`)
    return
  }
  const text = tryRead(readFile, resolve(cwd, file))
  if (typeof text !== 'string') {
    problem(`cannot read secret file "${file}": ${text.reason}`)
  } else if (text.trim() === '') {
    problem(`secret file "${file}" is empty`)
  } else {
    const secretPath = at.path.map((s, i) =>
      i === at.path.length - 1 ? s.replace(/_file$/, '') : s,
    )
    setPath(at.table, secretPath, text.trim())
    const loose = looseModeWarning(resolve(cwd, file), `${key}:`)
    if (loose !== undefined) warnings.push(loose)
    merged.sources.set(formatPath(at.display.slice(0, -1).concat(secretPath.at(-1) ?? '')), source)
  }
}
