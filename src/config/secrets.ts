/**
 * Secrets from files: a `<key>_file` key (for now `security.pepper_file`) names a file
 * whose trimmed contents become `<key>`, as with Docker and Kubernetes secrets. The file is
 * read once, at load time; the value itself never appears in a message.
 */
import { resolve } from 'node:path'
import { tryRead, type ReadFile } from './config-file.ts'
import type { ConfigIssue } from './errors.ts'
import { describeInput } from './fields.ts'
import { CONFIG_KEYS, formatPath } from './keys.ts'
import { deletePath, getPath, setPath, type Merged } from './layers.ts'

/** Replaces each `<key>_file` in the merged tree by `<key>` = the file's trimmed contents. */
export function resolveSecretFiles(merged: Merged, readFile: ReadFile, cwd: string): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (const key of CONFIG_KEYS) {
    if (key.role !== 'secret-file') continue
    const file = getPath(merged.tree, key.path)
    if (file === undefined) continue
    deletePath(merged.tree, key.path)
    const source = merged.sources.get(key.key) ?? 'defaults'
    const problem = (message: string): void => {
      issues.push({ path: key.key, source, message })
    }
    if (typeof file !== 'string' || file === '') {
      problem(`expected a file path, got ${describeInput(file)}`)
      continue
    }
    const text = tryRead(readFile, resolve(cwd, file))
    if (typeof text !== 'string') {
      problem(`cannot read secret file "${file}": ${text.reason}`)
    } else if (text.trim() === '') {
      problem(`secret file "${file}" is empty`)
    } else {
      const secretPath = key.path.map((s, i) =>
        i === key.path.length - 1 ? s.replace(/_file$/, '') : s,
      )
      setPath(merged.tree, secretPath, text.trim())
      merged.sources.set(formatPath(secretPath), source)
    }
  }
  return issues
}
