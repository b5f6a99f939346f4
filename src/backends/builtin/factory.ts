/**
 * Registry entry of the `builtin` backend: no settings; its factory closes over the built-in
 * server's index, which the composition root owns (no other backend receives it).
 */
import { RECORD_TYPES } from '../../core/records.ts'
import { defineBackend, type BackendFactory, type BackendKind } from '../define.ts'
import { BuiltinBackend, type BuiltinIndex } from './builtin-backend.ts'

/** The `builtin` kind, as the config sees it. */
export const builtinKind: BackendKind = { kind: 'builtin', settings: null, types: RECORD_TYPES }

/** The `builtin` backend factory: every zone it builds publishes into `index`. */
export function builtinFactory(index: BuiltinIndex): BackendFactory {
  return defineBackend<null>({
    kind: builtinKind.kind,
    settings: null,
    types: builtinKind.types,
    create: () => new BuiltinBackend(index),
  })
}
