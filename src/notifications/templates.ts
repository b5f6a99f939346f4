/**
 * Mail templates: `{{ name }}` placeholders filled from the event, with the variable names
 * ddns-service uses (hostname, zone, fqdn, ipv4_changed, old_ipv4, new_ipv4, expiry_ttl …).
 * Each event has a fixed set of variables, so a misspelt one is caught when the config is
 * loaded instead of mailing a literal `{{ ipv4_chaged }}` to every owner.
 */

/** The events dynzone notifies about, as named in config (`events = [...]`). */
export const NOTIFY_EVENTS = [
  'changed',
  'expired',
  'auth-failures',
  'lockout',
  'temporary-ipv6',
] as const
/** One notification event kind. */
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number]

const COMMON = ['time', 'user'] as const
const HOST = ['hostname', 'zone', 'fqdn'] as const

/** The variables each event's templates may use. */
export const TEMPLATE_VARIABLES: Readonly<Record<NotifyEventKind, readonly string[]>> = {
  changed: [
    ...COMMON,
    ...HOST,
    'ipv4_changed',
    'ipv6_changed',
    'old_ipv4',
    'new_ipv4',
    'old_ipv6',
    'new_ipv6',
    'client_ip',
    'dialect',
    'changes',
  ],
  expired: [...COMMON, ...HOST, 'families', 'old_ipv4', 'old_ipv6', 'expiry_ttl', 'last_update'],
  'auth-failures': [
    ...COMMON,
    'subject_name',
    'count',
    'sources',
    'dialects',
    'window_start',
    'window_end',
  ],
  lockout: [...COMMON, 'subject_name', 'client_ip', 'until'],
  'temporary-ipv6': [...COMMON, ...HOST, 'prefix', 'addresses'],
}

/** Subject and body of one event's mail. */
export interface MailTemplate {
  readonly subject: string
  readonly body: string
}

/** The built-in templates, used for each part the config leaves empty. */
export const DEFAULT_TEMPLATES: Readonly<Record<NotifyEventKind, MailTemplate>> = {
  changed: {
    subject: '[dynzone] {{ fqdn }} changed',
    body: `The addresses of {{ fqdn }} changed at {{ time }}.

IPv4: {{ old_ipv4 }} -> {{ new_ipv4 }} (changed: {{ ipv4_changed }})
IPv6: {{ old_ipv6 }} -> {{ new_ipv6 }} (changed: {{ ipv6_changed }})

Last update from {{ client_ip }} ({{ dialect }}); changes in this mail: {{ changes }}.
`,
  },
  expired: {
    subject: '[dynzone] {{ fqdn }} expired',
    body: `{{ fqdn }} was not updated within its expiry TTL of {{ expiry_ttl }} seconds
(last update {{ last_update }}), so its {{ families }} records were removed at {{ time }}.

Removed IPv4: {{ old_ipv4 }}
Removed IPv6: {{ old_ipv6 }}

The records come back with the next update.
`,
  },
  'auth-failures': {
    subject: '[dynzone] {{ count }} failed logins for {{ subject_name }}',
    body: `{{ count }} update requests for {{ subject_name }} failed authentication
between {{ window_start }} and {{ window_end }}.

From: {{ sources }}
Dialects: {{ dialects }}

If this is your router or update client, its password or token is probably out of date.
`,
  },
  lockout: {
    subject: '[dynzone] {{ subject_name }} locked out at {{ client_ip }}',
    body: `Repeated update requests for {{ subject_name }} from {{ client_ip }} failed
authentication, so {{ subject_name }} is locked out at that address until {{ until }}.
Requests from other addresses are not affected.

If this is your router or update client, fix its password or token; an administrator can
lift the lockout at once with "dynzone lockout lift". If not, someone is guessing.
`,
  },
  'temporary-ipv6': {
    subject: '[dynzone] {{ fqdn }} publishes temporary IPv6 addresses',
    body: `{{ fqdn }} was updated with several different addresses of {{ prefix }} within a day:
{{ addresses }}

These look like temporary (privacy) addresses (RFC 8981): the client's operating system
replaces them about daily, so the name points at an address about to be dropped.

The fix, either of:
- on the client, publish a stable address: EUI-64, or a stable-privacy address (RFC 7217;
  Linux: addr_gen_mode 2 or 3, NetworkManager ipv6.addr-gen-mode stable-privacy), or
- a prefix group: the router sends its prefix and dynzone adds a fixed interface identifier
  per host ("dynzone group add", "dynzone group join"; see the README's Command line).

This is said once per host.
`,
  },
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

/** The placeholders in `template` that `kind` does not define, in order of appearance. */
export function unknownVariables(template: string, kind: NotifyEventKind): string[] {
  const known = new Set(TEMPLATE_VARIABLES[kind])
  const unknown: string[] = []
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name)
  }
  return unknown
}

/** Fills every `{{ name }}`; a name without a value becomes "" (validated beforehand). */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => values[name] ?? '')
}

/** Mails about an account itself (not events of hosts): sent to one address, never to webhooks. */
export type AccountMailKind = 'invitation'

/** The built-in account mails; `{{ link }}` is the one-time link. */
export const ACCOUNT_MAILS: Readonly<Record<AccountMailKind, MailTemplate>> = {
  invitation: {
    subject: '[dynzone] You are invited to {{ site }}',
    body: `{{ invited_by }} invited you to an account on {{ site }}.

Follow this link to choose a user name and a password (it works once, until {{ expires }}):

{{ link }}

If you did not expect this mail, ignore it: without the link nothing happens.
`,
  },
}
