/** The `[zones.nsupdate]` table: where nsupdate sends, with which key, and which program. */
import { z } from 'zod'
import { boolean, filePath, integer, table, text } from '../../config/fields.ts'

/** Settings of the nsupdate backend. */
export const nsupdateSettings = table({
  server: text('a host name or IP address').default('127.0.0.1'),
  port: integer(1, 65535).default(53),
  key_file: filePath('a path to a BIND key file').optional(),
  local: boolean().default(false),
  nsupdate: text('the nsupdate program').default('nsupdate'),
  timeout_ms: integer(1000, 60000).default(10000),
  tcp: boolean().default(false),
}).superRefine((s, ctx) => {
  if ((s.key_file === undefined) === !s.local) {
    ctx.addIssue({
      code: 'custom',
      path: ['key_file'],
      message: 'set either key_file (nsupdate -k) or local = true (nsupdate -l), not both',
    })
  }
})

/** Parsed `[zones.nsupdate]` settings. */
export type NsupdateSettings = z.output<typeof nsupdateSettings>
