/**
 * The `[notify]` config: `[notify.smtp]`, `[notify.templates]` and `[[notify.webhooks]]`.
 * Documented in src/config/README.md. A template naming a variable its event lacks is a
 * config error on that key; `*_body_file` templates are checked when the server starts.
 */
import { z } from 'zod'
import { boolean, filePath, integer, list, oneOf, secret, table, text } from '../config/fields.ts'
import { NOTIFY_EVENTS, unknownVariables, type NotifyEventKind } from './templates.ts'

// A template string: "" means the built-in one.
function template(kind: NotifyEventKind) {
  return text('a template string')
    .default('')
    .superRefine((value, ctx) => {
      const unknown = unknownVariables(value, kind)
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown template variable ${unknown.map((u) => `{{ ${u} }}`).join(', ')} for the ${kind} event`,
        })
      }
    })
}

const bodyFile = filePath('a file path').default('')

/** `[notify.templates]`: per event subject, body, or a body file; "" keeps the built-in. */
const templatesSchema = table({
  changed_subject: template('changed'),
  changed_body: template('changed'),
  changed_body_file: bodyFile,
  expired_subject: template('expired'),
  expired_body: template('expired'),
  expired_body_file: bodyFile,
  auth_failures_subject: template('auth-failures'),
  auth_failures_body: template('auth-failures'),
  auth_failures_body_file: bodyFile,
  lockout_subject: template('lockout'),
  lockout_body: template('lockout'),
  lockout_body_file: bodyFile,
  temporary_ipv6_subject: template('temporary-ipv6'),
  temporary_ipv6_body: template('temporary-ipv6'),
  temporary_ipv6_body_file: bodyFile,
}).prefault({})

/** `[notify.smtp]`: where mail goes; an empty host turns mail off. */
const smtpSchema = table({
  host: text('a host name or address').default(''),
  port: integer(1, 65535).default(587),
  security: oneOf(['starttls', 'tls', 'none']).default('starttls'),
  username: text('a user name').default(''),
  password: secret().prefault(''),
  from: text('a sender address such as "dynzone <dynzone@example.org>"').default(
    'dynzone@localhost',
  ),
  tls_verify: boolean().default(true),
  timeout_ms: integer(1000, 120000).default(15000),
}).prefault({})

/** One `[[notify.webhooks]]` receiver. */
const webhookSchema = table({
  url: text('an http(s) URL').refine((value) => /^https?:\/\/[^\s]+$/i.test(value), {
    error: (issue) => `expected an http:// or https:// URL, got ${JSON.stringify(issue.input)}`,
  }),
  secret: secret().prefault(''),
  events: list(oneOf(NOTIFY_EVENTS), 'a list of event names').default([...NOTIFY_EVENTS]),
  timeout_ms: integer(100, 60000).default(5000),
  max_attempts: integer(1, 20).default(5),
})

/** `[notify]`. */
export const notifySchema = table({
  auth_failure_threshold: integer(1, 1_000_000).default(5),
  auth_failure_window_seconds: integer(10, 604800).default(3600),
  smtp: smtpSchema,
  templates: templatesSchema,
  webhooks: list(webhookSchema, 'a list of [[notify.webhooks]] tables').default([]),
}).prefault({})

/** The parsed `[notify]` table. */
export type NotifyConfig = z.output<typeof notifySchema>
