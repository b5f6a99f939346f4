/** Registry entry of the `rfc2136` backend: RFC 2136 UPDATE with TSIG into a primary server. */
import { RECORD_TYPES } from '../../core/records.ts'
import { defineBackend } from '../define.ts'
import { Rfc2136Backend } from './rfc2136-backend.ts'
import { rfc2136Settings, type Rfc2136Settings } from './settings.ts'

/** The `rfc2136` backend factory. */
export const rfc2136Factory = defineBackend<Rfc2136Settings>({
  kind: 'rfc2136',
  settings: rfc2136Settings,
  types: RECORD_TYPES,
  create: (zone, settings, deps) => new Rfc2136Backend(zone, settings, { logger: deps.logger }),
})
