/**
 * SIGHUP: re-read and validate the configuration. A bad file keeps the running config and
 * logs every problem; a good one applies what can change live (`log.level`) and names each
 * changed key that needs a restart by its full path (`http.trusted_proxies`, not `http`). (Systemd's ExecReload sends SIGHUP; without a handler
 * Node would exit.)
 */
import { changedKeys } from '../config/changed-keys.ts'
import { loadConfig } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import type { Logger } from '../observability/logger.ts'
import { configFlags, type GlobalOptions } from './context.ts'
import type { CliIo } from './io.ts'

// What a reload applies without a restart.
const LIVE = new Set(['log.level'])

/** Reloads; returns the config now in force. */
export function reloadConfig(
  options: GlobalOptions,
  io: CliIo,
  current: Config,
  logger: Logger,
): Config {
  const loaded = loadConfig({ flags: configFlags(options), env: io.env, cwd: io.cwd })
  if (!loaded.ok) {
    logger.error(
      { problems: loaded.error.issues.map((i) => `${i.source}: ${i.path}: ${i.message}`) },
      'reload refused: invalid configuration; keeping the running one',
    )
    return current
  }
  const next = loaded.value.config
  const changed = changedKeys(current, next)
  if (next.log.level !== current.log.level) logger.level = next.log.level
  const needRestart = changed.filter((k) => !LIVE.has(k))
  logger.info(
    { changed, ...(needRestart.length > 0 ? { restartNeededFor: needRestart } : {}) },
    needRestart.length > 0
      ? `configuration reloaded; restart to apply ${needRestart.join(', ')}`
      : 'configuration reloaded',
  )
  return next
}
