/**
 * The ordered, explicit list of DNS backends. Adding one is a folder with a factory made by
 * `defineBackend` (define.ts) plus one line in `BACKEND_FACTORIES`. The factory's `kind` is
 * the folder name, the zone's `backend = "…"` value, its `[zones.<kind>]` settings table, the
 * log prefix and the metric label.
 */
import { builtinFactory } from './builtin/factory.ts'
import { rfc2136Factory } from './rfc2136/factory.ts'
import { nsupdateFactory } from './nsupdate/factory.ts'
import { powerdnsFactory } from './powerdns/factory.ts'
import { cloudflareFactory } from './cloudflare/factory.ts'
import { route53Factory } from './route53/factory.ts'
import { digitaloceanFactory } from './digitalocean/factory.ts'
import { hetznerFactory } from './hetzner/factory.ts'
import { rackspaceFactory } from './rackspace/factory.ts'
import type { BackendFactory } from './define.ts'

export type { BackendDeps, BackendFactory, BackendLogger, BackendZone } from './define.ts'

/** Every backend, in documentation order. */
export const BACKEND_FACTORIES: readonly BackendFactory[] = [
  builtinFactory,
  rfc2136Factory,
  nsupdateFactory,
  powerdnsFactory,
  cloudflareFactory,
  route53Factory,
  digitaloceanFactory,
  hetznerFactory,
  rackspaceFactory,
]

/** The backend kinds, for the config's `backend` key. */
export const BACKEND_KINDS = BACKEND_FACTORIES.map((f) => f.kind) as [string, ...string[]]

/** The factory of a kind. */
export function backendFactory(kind: string): BackendFactory | undefined {
  return BACKEND_FACTORIES.find((f) => f.kind === kind)
}
