/**
 * The ordered, explicit list of DNS backends. Adding one is a folder with a factory made by
 * `defineBackend` (define.ts) plus one line in `FACTORIES`. The factory's `kind` is
 * the folder name, the zone's `backend = "…"` value, its `[zones.<kind>]` settings table, the
 * log prefix and the metric label.
 */
import { builtinFactory, builtinKind } from './builtin/factory.ts'
import type { BuiltinIndex } from './builtin/builtin-backend.ts'
import { rfc2136Factory } from './rfc2136/factory.ts'
import { nsupdateFactory } from './nsupdate/factory.ts'
import { powerdnsFactory } from './powerdns/factory.ts'
import { cloudflareFactory } from './cloudflare/factory.ts'
import { route53Factory } from './route53/factory.ts'
import { digitaloceanFactory } from './digitalocean/factory.ts'
import { hetznerFactory } from './hetzner/factory.ts'
import { rackspaceFactory } from './rackspace/factory.ts'
import type { BackendFactory, BackendKind } from './define.ts'
import type { RecordType } from '../core/records.ts'

export type {
  BackendDeps,
  BackendFactory,
  BackendKind,
  BackendLogger,
  BackendZone,
} from './define.ts'

// Every backend but `builtin`, in documentation order; `builtin`'s factory is made per index.
const FACTORIES: readonly BackendFactory[] = [
  rfc2136Factory,
  nsupdateFactory,
  powerdnsFactory,
  cloudflareFactory,
  route53Factory,
  digitaloceanFactory,
  hetznerFactory,
  rackspaceFactory,
]

/** Every backend kind with its settings schema, in documentation order (what the config checks). */
export const BACKENDS: readonly BackendKind[] = [builtinKind, ...FACTORIES]

/** The backend kinds, for the config's `backend` key. */
export const BACKEND_KINDS = BACKENDS.map((f) => f.kind) as [string, ...string[]]

/** A kind's name and settings schema. */
export function backendKind(kind: string): BackendKind | undefined {
  return BACKENDS.find((f) => f.kind === kind)
}

/** The record types a backend kind publishes (none for an unknown kind). */
export function supportedTypes(kind: string): readonly RecordType[] {
  return backendKind(kind)?.types ?? []
}

/** The factory of a kind; `builtin` publishes into `builtinIndex`, the built-in server's. */
export function backendFactory(
  kind: string,
  builtinIndex: BuiltinIndex,
): BackendFactory | undefined {
  if (kind === builtinKind.kind) return builtinFactory(builtinIndex)
  return FACTORIES.find((f) => f.kind === kind)
}
