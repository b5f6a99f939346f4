/** Registry entry of the `builtin` backend: no settings, publishes into the shared index. */
import { defineBackend } from '../define.ts'
import { BuiltinBackend } from './builtin-backend.ts'

/** The `builtin` backend factory. */
export const builtinFactory = defineBackend<null>({
  kind: 'builtin',
  settings: null,
  create: (_zone, _settings, deps) => new BuiltinBackend(deps.index),
})
