/**
 * Wires NOTIFY to the index: every change a zone takes (an applied change set or a reload at
 * a new serial) is announced to the configured secondaries, in the background.
 */
import { Notifier } from './notify.ts'
import { parseNotifyTarget } from './notify-target.ts'
import type { DnsLogger } from '../dns-logger.ts'
import type { ZoneIndex } from '../index/zone-index.ts'

/** Something to stop at shutdown. */
export interface SecondaryNotifications {
  close(): Promise<void>
}

/** Sends NOTIFY to `targets` (config strings, already validated) now and after each change. */
export function notifySecondaries(
  index: ZoneIndex,
  targets: readonly string[],
  logger: DnsLogger,
): SecondaryNotifications {
  const parsed = targets.flatMap((t) => {
    const target = parseNotifyTarget(t)
    return target.ok ? [target.value] : []
  })
  if (parsed.length === 0) return { close: () => Promise.resolve() }
  const notifier = new Notifier({ targets: parsed, logger })
  // Announce the zones as loaded at start, so secondaries catch up after a restart.
  for (const name of index.zoneNames()) {
    const zone = index.zone(name)
    if (zone !== undefined) void notifier.notify(zone)
  }
  const unsubscribe = index.onChange((zone) => {
    // The update path never waits for secondaries; the notifier logs what goes wrong.
    void notifier.notify(zone)
  })
  return {
    close: () => {
      unsubscribe()
      return notifier.close()
    },
  }
}
