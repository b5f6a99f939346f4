/**
 * Starter: the periodic jobs that write: ACME TXT records past their TTL removed, hosts past
 * `expiry` expired, and the notifier's digest of failed logins. Started last, stopped first.
 */
import { ok, type Result } from '../core/result.ts'
import { HostExpiry } from '../jobs/expiry.ts'
import { sweepIntervalMs, TxtExpiry } from '../jobs/txt-expiry.ts'
import { digestIntervalMs } from '../notifications/setup.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import type { Publisher } from '../publisher/publisher.ts'
import { expireHosts } from '../store/host-expiry-store.ts'
import { systemClock } from './builders.ts'
import type { ServerContext } from './context.ts'
import type { Started } from './lifecycle.ts'
import type { UpdatePath } from './start-update-path.ts'

/** Starts the jobs. */
export function startJobs(
  context: ServerContext,
  publisher: Publisher,
  { sqlStore, seen }: UpdatePath,
  notifier: NotificationService,
): Result<Started<void>, string> {
  const { config, db, logger } = context
  const deadline = config.update.answer_deadline_ms
  const txtExpiry = new TxtExpiry({
    store: sqlStore,
    publisher,
    clock: systemClock,
    logger,
    publishDeadlineMs: deadline,
  })
  txtExpiry.start(sweepIntervalMs(config.update.txt_ttl_seconds))
  const hostExpiry = new HostExpiry({
    store: {
      // Marks written behind are written first: a host pinged a moment ago is not expired.
      expireHosts: async (at) => {
        await seen?.flush()
        return expireHosts(db, context.zones, at)
      },
    },
    publisher,
    clock: systemClock,
    logger,
    notifier,
    publishDeadlineMs: deadline,
  })
  hostExpiry.start(config.expiry.interval_seconds * 1000)
  // Stopped with the notifier itself (start-notifier.ts).
  notifier.start(digestIntervalMs(config.notify.auth_failure_window_seconds))
  return ok({
    value: undefined,
    close: () => {
      txtExpiry.stop()
      hostExpiry.stop()
    },
  })
}
