/** Starter: the notifications (mail, webhooks) of lockouts, failures and changes. */
import { readFileSync } from 'node:fs'
import type { ServerContext } from './context.ts'
import { ok, type Result } from '../core/result.ts'
import { createNotifier } from '../notifications/setup.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import { systemClock } from './builders.ts'
import type { Started } from './lifecycle.ts'

/** Builds the notifier; its digest timer starts with the jobs (start-jobs.ts). */
export function startNotifier(
  context: ServerContext,
): Result<Started<NotificationService>, string> {
  const { config, db, logger } = context
  const notified = createNotifier({
    config: config.notify,
    db,
    logger,
    clock: systemClock,
    readFile: (path) => readFileSync(path, 'utf8'),
  })
  if (!notified.ok) return notified
  const notifier = notified.value
  return ok({
    value: notifier,
    close: () => {
      notifier.close()
    },
  })
}
