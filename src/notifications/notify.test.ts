import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { startSmtpReceiver, type SmtpReceiver } from '../../test/helpers/smtp-receiver.ts'
import { freePort } from '../../test/helpers/free-port.ts'
import type { Fqdn } from '../core/names.ts'
import type { HostChangedEvent, HostExpiredEvent } from '../core/ports.ts'
import { ok } from '../core/result.ts'
import { createLogger } from '../observability/logger.ts'
import { SqlAccountStore } from '../store/account-store.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { openSqlite } from '../store/sql/sqlite.ts'
import { syncZones } from '../store/zones.ts'
import { notifySchema } from './config-schema.ts'
import type { NotificationService } from './notification-service.ts'
import type { Mail, MailSender } from './mail.ts'
import { createNotifier } from './setup.ts'
import { webhookSignature } from './webhook.ts'

const ZONE = 'dyn.example' as Fqdn
const T0 = new Date('2030-01-01T00:00:00Z')
let now = T0
const clock = { now: () => now }

let db: Kysely<Database>
let aliceId = 0

beforeEach(async () => {
  now = T0
  db = openSqlite(':memory:')
  assert.equal((await migrateToLatest(db as Kysely<unknown>)).ok, true)
  await syncZones(db, [{ name: ZONE, backend: 'builtin', ttl: 60 }], T0)
  const accounts = new SqlAccountStore(db, [ZONE])
  const alice = await accounts.insertUser({
    name: 'alice',
    email: 'alice@example.org',
    passwordHash: 'x',
    isAdmin: false,
    createdAt: T0.toISOString(),
  })
  aliceId = alice.id
  await accounts.insertHost({
    zone: ZONE,
    label: 'home',
    ownerId: alice.id,
    ttl: null,
    createdAt: T0.toISOString(),
  })
})

afterEach(async () => {
  await db.destroy()
})

function notifier(config: unknown, readFile = (_p: string): string => ''): NotificationService {
  const made = createNotifier({
    config: notifySchema.parse(config),
    db,
    logger: createLogger('silent'),
    clock,
    readFile,
    retryBaseMs: 5,
  })
  assert.ok(made.ok, made.ok ? '' : made.error)
  return made.value
}

const changed: HostChangedEvent = {
  hostId: 1,
  ownerId: 0,
  fqdn: `home.${ZONE}` as Fqdn,
  zone: ZONE,
  label: 'home',
  oldIpv4: '192.0.2.1',
  newIpv4: '192.0.2.2',
  oldIpv6: '2001:db8::1',
  newIpv6: '2001:db8::1',
  at: T0.toISOString(),
  clientIp: '198.51.100.7',
  dialect: 'dyndns2',
  requested: true,
}

const expired: HostExpiredEvent = {
  hostId: 1,
  ownerId: 0,
  fqdn: `home.${ZONE}` as Fqdn,
  zone: ZONE,
  label: 'home',
  removed: { ipv6: '2001:db8::1' },
  expiryTtl: 3600,
  lastUpdate: '2029-12-31T23:00:00.000Z',
  at: T0.toISOString(),
}

void describe('mail through a real SMTP server', () => {
  let smtp: SmtpReceiver
  before(async () => {
    smtp = await startSmtpReceiver({ user: 'mailer', pass: 's3cret' })
  })
  after(async () => {
    await smtp.stop()
  })
  beforeEach(() => {
    smtp.mails.length = 0
  })
  const config = (extra: Record<string, unknown> = {}) => ({
    smtp: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      // smtp-server's built-in certificate is self-signed.
      tls_verify: false,
      username: 'mailer',
      password: 's3cret',
      from: 'dynzone@example.net',
    },
    ...extra,
  })

  void it('mails a change to the owner with the old and new addresses', async () => {
    const n = notifier(config())
    n.changed({ ...changed, ownerId: aliceId })
    await n.idle()
    n.close()
    const mail = (await smtp.waitForMails(1)).at(0)
    assert.ok(mail)
    assert.deepEqual(mail.to, ['alice@example.org'])
    assert.equal(mail.from, 'dynzone@example.net')
    assert.equal(mail.user, 'mailer')
    assert.equal(mail.subject, `[dynzone] home.${ZONE} changed`)
    assert.match(mail.body, /IPv4: 192\.0\.2\.1 -> 192\.0\.2\.2 \(changed: yes\)/)
    assert.match(mail.body, /IPv6: 2001:db8::1 -> 2001:db8::1 \(changed: no\)/)
    assert.match(mail.body, /from 198\.51\.100\.7 \(dyndns2\)/)
  })

  // alice's choice: which families she hears of, and the quiet period in minutes.
  const choose = (families: string, quietMinutes: number) =>
    db
      .updateTable('users')
      .set({ notify_families: families, notify_quiet_minutes: quietMinutes })
      .where('id', '=', aliceId)
      .execute()
  const change = (v4: [string, string], v6: [string, string], minute: number) => ({
    ...changed,
    ownerId: aliceId,
    requested: false,
    oldIpv4: v4[0],
    newIpv4: v4[1],
    oldIpv6: v6[0],
    newIpv6: v6[1],
    at: new Date(T0.getTime() + minute * 60_000).toISOString(),
  })

  void it('makes one mail of the changes within the quiet period, previous -> new', async () => {
    await choose('both', 10)
    const n = notifier(config())
    n.changed(change(['192.0.2.1', '192.0.2.2'], ['2001:db8::1', '2001:db8::1'], 0))
    now = new Date(T0.getTime() + 4 * 60_000)
    n.changed(change(['192.0.2.2', '192.0.2.3'], ['2001:db8::1', '2001:db8::2'], 4))
    now = new Date(T0.getTime() + 9 * 60_000)
    n.changed(change(['192.0.2.3', '192.0.2.4'], ['2001:db8::2', '2001:db8::2'], 9))
    assert.equal(await n.flushQuiet(), 0, 'nothing while the period lasts')
    now = new Date(T0.getTime() + 10 * 60_000)
    assert.equal(await n.flushQuiet(), 1)
    assert.equal(await n.flushQuiet(), 0, 'sent once')
    n.close()
    const mails = await smtp.waitForMails(1)
    assert.equal(mails.length, 1)
    const body = mails.at(0)?.body ?? ''
    assert.match(body, /IPv4: 192\.0\.2\.1 -> 192\.0\.2\.4 \(changed: yes\)/)
    assert.match(body, /IPv6: 2001:db8::1 -> 2001:db8::2 \(changed: yes\)/)
    assert.match(body, /changes in this mail: 3\./)
  })

  void it('mails only the families the owner chose', async () => {
    await choose('ipv4', 0)
    const n = notifier(config())
    // IPv6 alone changed: nothing for an IPv4-only choice.
    n.changed(change(['192.0.2.1', '192.0.2.1'], ['2001:db8::1', '2001:db8::9'], 0))
    n.changed(change(['192.0.2.1', '192.0.2.7'], ['2001:db8::9', '2001:db8::10'], 0))
    await n.idle()
    n.close()
    const mails = await smtp.waitForMails(1)
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(smtp.mails.length, 1)
    const body = mails.at(0)?.body ?? ''
    assert.match(body, /IPv4: 192\.0\.2\.1 -> 192\.0\.2\.7 \(changed: yes\)/)
    // The IPv6 change is not news to this owner: shown as it is now, unchanged.
    assert.match(body, /IPv6: 2001:db8::10 -> 2001:db8::10 \(changed: no\)/)
  })

  void it('mails nothing without a choice unless the client asked (notify_change=1)', async () => {
    const n = notifier(config())
    n.changed(change(['192.0.2.1', '192.0.2.2'], ['2001:db8::1', '2001:db8::1'], 0))
    n.changed({
      ...change(['192.0.2.2', '192.0.2.3'], ['2001:db8::1', '2001:db8::1'], 0),
      requested: true,
    })
    await n.idle()
    now = new Date(T0.getTime() + 3600_000)
    assert.equal(await n.flushQuiet(), 0)
    n.close()
    const mails = await smtp.waitForMails(1)
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(smtp.mails.length, 1)
    assert.match(mails.at(0)?.body ?? '', /IPv4: 192\.0\.2\.2 -> 192\.0\.2\.3/)
  })

  void it('warns once of temporary IPv6 addresses, with the fix', async () => {
    const n = notifier(config())
    const iids = ['a1b2:c3d4:e5f6:1', '9f8e:7d6c:5b4a:2', '1234:5678:9abc:3', '4321:8765:cba9:4']
    let before = '2001:db8:1:2::1'
    for (const [i, iid] of iids.entries()) {
      const next = `2001:db8:1:2:${iid}`
      n.changed(change(['192.0.2.1', '192.0.2.1'], [before, next], i * 60))
      before = next
      await n.idle()
    }
    // A new notifier (a restart) does not say it again either.
    const again = notifier(config())
    for (const [i, iid] of ['1:1:1:5', '2:2:2:6', '3:3:3:7'].entries())
      again.changed(change(['192.0.2.1', '192.0.2.1'], [before, `2001:db8:1:2:${iid}`], 300 + i))
    await again.idle()
    n.close()
    again.close()
    const mails = await smtp.waitForMails(1)
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(smtp.mails.length, 1, 'one warning, not repeated')
    assert.equal(mails.at(0)?.subject, `[dynzone] home.${ZONE} publishes temporary IPv6 addresses`)
    const body = mails.at(0)?.body ?? ''
    assert.match(body, /several different addresses of 2001:db8:1:2::\/64 within a day/)
    assert.match(body, /stable-privacy address \(RFC 7217/)
    assert.match(body, /a prefix group/)
  })

  void it('mails an expiry with the TTL and the removed family', async () => {
    const n = notifier(config())
    n.expired({ ...expired, ownerId: aliceId })
    await n.idle()
    n.close()
    const mail = (await smtp.waitForMails(1)).at(0)
    assert.ok(mail)
    assert.equal(mail.subject, `[dynzone] home.${ZONE} expired`)
    assert.match(mail.body, /expiry TTL of 3600 seconds/)
    assert.match(mail.body, /its AAAA \(IPv6\) records were removed/)
    assert.match(mail.body, /Removed IPv6: 2001:db8::1/)
  })

  void it('sends one failed-login digest per window, after the threshold', async () => {
    const n = notifier(config({ auth_failure_threshold: 3, auth_failure_window_seconds: 600 }))
    const fail = (username: string | null, ip: string, hostnames: string[] = []) => {
      n.authFailed({ username, hostnames, clientIp: ip, dialect: 'dyndns2', at: now.toISOString() })
    }
    fail('alice', '203.0.113.1')
    fail('alice', '203.0.113.2')
    fail('alice', '203.0.113.1')
    fail('alice', '203.0.113.1')
    // A hostname in the user name (dyndns53) counts for that host, an unknown name for nobody.
    fail(`home.${ZONE}`, '203.0.113.9')
    fail('mallory', '203.0.113.9')
    assert.equal(await n.flushDigests(), 0, 'no digest before the window ends')
    now = new Date(T0.getTime() + 600_000)
    assert.equal(await n.flushDigests(), 1, 'only the subject over the threshold')
    n.close()
    const mails = await smtp.waitForMails(1)
    assert.equal(mails.length, 1)
    assert.deepEqual(mails.at(0)?.to, ['alice@example.org'])
    assert.equal(mails.at(0)?.subject, '[dynzone] 4 failed logins for alice')
    assert.match(mails.at(0)?.body ?? '', /From: 203\.0\.113\.1, 203\.0\.113\.2/)
    assert.match(
      mails.at(0)?.body ?? '',
      /between 2030-01-01T00:00:00\.000Z and 2030-01-01T00:10:00/,
    )
  })

  void it('mails the owner of a locked-out user name, at most once an hour', async () => {
    const n = notifier(config())
    const lock = (subject: string, clientIp: string) => {
      n.lockedOut({ subject, source: clientIp, clientIp, level: 1, until: '2030-01-01T00:01:00Z' })
    }
    lock('user:alice', '203.0.113.1')
    lock('user:alice', '203.0.113.2')
    lock('token', '203.0.113.3')
    lock('user:mallory', '203.0.113.4')
    await n.idle()
    now = new Date(T0.getTime() + 3600_000)
    lock(`user:home.${ZONE}`, '203.0.113.5')
    await n.idle()
    n.close()
    const mails = await smtp.waitForMails(2)
    assert.deepEqual(
      mails.map((m) => [m.to, m.subject]),
      [
        [['alice@example.org'], '[dynzone] alice locked out at 203.0.113.1'],
        [['alice@example.org'], `[dynzone] home.${ZONE} locked out at 203.0.113.5`],
      ],
    )
    assert.match(mails.at(0)?.body ?? '', /locked out at that address until 2030-01-01T00:01:00Z/)
  })

  void it('uses templates from the config and from files', async () => {
    const n = notifier(
      config({
        templates: {
          changed_subject: '{{ hostname }} is now {{new_ipv4}}',
          changed_body_file: '/etc/dynzone/changed.txt',
        },
      }),
      (path) => `file ${path}: {{ fqdn }} v4 changed={{ ipv4_changed }} by {{ user }}\n`,
    )
    n.changed({ ...changed, ownerId: aliceId })
    await n.idle()
    n.close()
    const mail = (await smtp.waitForMails(1)).at(0)
    assert.ok(mail)
    assert.equal(mail.subject, 'home is now 192.0.2.2')
    assert.equal(
      mail.body.trim(),
      `file /etc/dynzone/changed.txt: home.${ZONE} v4 changed=yes by alice`,
    )
  })

  void it('refuses a wrong SMTP login without throwing', async () => {
    const n = notifier(config({ smtp: { ...config().smtp, password: 'wrong' } }))
    n.changed({ ...changed, ownerId: aliceId })
    await n.idle()
    n.close()
    assert.equal(smtp.mails.length, 0)
  })
})

void describe('lockout notices', () => {
  void it('remember at most maxLockoutNotices names, the least recently told told again', async () => {
    const sent: Mail[] = []
    const mail: MailSender = {
      send: (m) => {
        sent.push(m)
        return Promise.resolve(ok(undefined))
      },
      close: () => undefined,
    }
    const made = createNotifier({
      config: notifySchema.parse({}),
      db,
      logger: createLogger('silent'),
      clock,
      readFile: () => '',
      mail,
      maxLockoutNotices: 1,
    })
    assert.ok(made.ok)
    const n = made.value
    for (const subject of ['user:alice', `user:home.${ZONE}`, `user:home.${ZONE}`, 'user:alice']) {
      n.lockedOut({ subject, source: '203.0.113.1', clientIp: '203.0.113.1', level: 1, until: 'z' })
      await n.idle()
    }
    n.close()
    assert.deepEqual(
      sent.map((m) => m.subject),
      [
        '[dynzone] alice locked out at 203.0.113.1',
        `[dynzone] home.${ZONE} locked out at 203.0.113.1`,
        '[dynzone] alice locked out at 203.0.113.1',
      ],
      'within the hour: the host once, alice again as the host pushed her out',
    )
  })
})

void describe('template errors', () => {
  void it('names the key of an unknown variable', () => {
    const parsed = notifySchema.safeParse({ templates: { expired_body: 'gone: {{ new_ipv4 }}' } })
    assert.ok(!parsed.success)
    assert.deepEqual(parsed.error.issues.at(0)?.path, ['templates', 'expired_body'])
    assert.match(
      parsed.error.issues.at(0)?.message ?? '',
      /unknown template variable \{\{ new_ipv4 \}\}/,
    )
  })

  void it('names the key of a body file with an unknown variable', () => {
    const made = createNotifier({
      config: notifySchema.parse({ templates: { changed_body_file: '/t.txt' } }),
      db,
      logger: createLogger('silent'),
      clock,
      readFile: () => 'hi {{ nme }}',
    })
    assert.ok(!made.ok)
    assert.match(
      made.error,
      /^notify\.templates\.changed_body_file: unknown template variable \{\{ nme \}\}/,
    )
  })
})

interface Hit {
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

async function receiver(answers: number[]): Promise<{ server: Server; url: string; hits: Hit[] }> {
  const hits: Hit[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      hits.push({ headers: req.headers, body })
      res.statusCode = answers[hits.length - 1] ?? 200
      res.end()
    })
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${String(port)}/hook`, hits }
}

void describe('webhooks', () => {
  void it('signs the body with a timestamp and retries after a 500', async () => {
    const r = await receiver([500, 200])
    try {
      const n = notifier({ webhooks: [{ url: r.url, secret: 'hooksecret', events: ['changed'] }] })
      n.changed({ ...changed, ownerId: aliceId })
      n.expired({ ...expired, ownerId: aliceId }) // not subscribed
      await n.idle()
      n.close()
      assert.equal(r.hits.length, 2, 'one failure, one retry')
      const hit = r.hits[1]
      assert.ok(hit)
      const timestamp = String(hit.headers['x-dynzone-timestamp'])
      assert.equal(timestamp, String(T0.getTime() / 1000))
      assert.equal(hit.headers['x-dynzone-event'], 'changed')
      assert.equal(
        hit.headers['x-dynzone-signature'],
        webhookSignature('hooksecret', timestamp, hit.body),
      )
      assert.notEqual(
        hit.headers['x-dynzone-signature'],
        webhookSignature('hooksecret', String(Number(timestamp) + 1), hit.body),
        'the timestamp is part of the signed data',
      )
      const payload = JSON.parse(hit.body) as Record<string, unknown>
      assert.equal(payload.event, 'changed')
      assert.equal(payload.user, 'alice')
      assert.deepEqual(payload.ipv4, { old: '192.0.2.1', new: '192.0.2.2', changed: true })
    } finally {
      r.server.close()
    }
  })

  void it('gives up after max_attempts and does not retry a 400', async () => {
    const failing = await receiver([503, 503, 503, 503])
    const refusing = await receiver([400, 200])
    try {
      const n = notifier({
        webhooks: [
          { url: failing.url, max_attempts: 3 },
          { url: refusing.url, max_attempts: 3 },
        ],
      })
      n.expired({ ...expired, ownerId: aliceId })
      await n.idle()
      n.close()
      assert.equal(failing.hits.length, 3)
      assert.equal(refusing.hits.length, 1)
      assert.equal(failing.hits.at(0)?.headers['x-dynzone-signature'], undefined, 'no secret')
    } finally {
      failing.server.close()
      refusing.server.close()
    }
  })
})
