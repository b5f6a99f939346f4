/** Registry entry of the `nsupdate` backend: runs BIND's nsupdate per change set. */
import { RECORD_TYPES } from '../../core/records.ts'
import { defineBackend } from '../define.ts'
import { NsupdateBackend } from './nsupdate-backend.ts'
import { nsupdateSettings, type NsupdateSettings } from './settings.ts'

/** The `nsupdate` backend factory. */
export const nsupdateFactory = defineBackend<NsupdateSettings>({
  kind: 'nsupdate',
  settings: nsupdateSettings,
  types: RECORD_TYPES,
  create: (zone, settings) => new NsupdateBackend(zone, settings),
})
