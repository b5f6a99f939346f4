/**
 * Relative paths written in a config file are relative to that file, not to the working
 * directory: `dynzone -c /etc/dynzone/dynzone.toml user list` run from any folder opens the
 * same `data_dir`. Paths from the environment and the command line stay relative to the
 * working directory, as a shell user expects. `""` (unset) is left alone.
 */
import { dirname, isAbsolute, resolve } from 'node:path'
import { CONFIG_KEYS } from './keys.ts'
import { getPath, locate, setPath, type Table } from './layers.ts'

/** The path-valued keys (`data_dir`, `database.path`, every `*_file`...). */
const PATH_KEYS = CONFIG_KEYS.filter((k) => k.isPath)

/** Rewrites, in place, every relative path in a config file's tree to an absolute one. */
export function anchorFilePaths(tree: Table, file: string): void {
  const dir = dirname(file)
  for (const key of PATH_KEYS) {
    for (const at of locate(tree, key.path)) {
      const value = getPath(at.table, at.path)
      if (typeof value === 'string' && value !== '' && !isAbsolute(value)) {
        setPath(at.table, at.path, resolve(dir, value))
      }
    }
  }
}
