/**
 * The first-start demo, on the embedded defaults only (no config file names zones): with
 * `demo.enabled` and an empty user table, create user `demo` with a password, host
 * `myhost.<demo zone>` and a token for it, so a newcomer can update with curl, read back with
 * dig and sign in to the web UI at once. Password and token are shown once, here; the store
 * keeps an argon2id hash and an HMAC. Never runs again once any user exists, and never when a
 * config names zones: a real deployment gets no account with a printed password. A demo left
 * from an earlier start on the defaults is named in a warning, not deleted (a user called
 * `demo` may be real).
 */
import { randomBytes } from 'node:crypto'
import type { RunningServer } from '../app.ts'
import { generateTokenSecret } from '../core/accounts/accounts.ts'
import { DEMO_ZONE } from '../config/schema.ts'

const DEMO_HOST = `myhost.${DEMO_ZONE}`

/** The lines to print after start: the demo's (when it runs), else the web UI's address. */
export async function ensureDemo(server: RunningServer): Promise<string[]> {
  const { context } = server
  const { demo } = context.config
  const login = `Web UI:     ${httpBase(server)}/login`
  if (!demo.embeddedZones) {
    await warnLeftoverDemo(server)
    return [login]
  }
  if (!demo.enabled || context.zones.length === 0) return [login]
  const dig = (host: string): string =>
    server.dns === null
      ? ''
      : `dig @${context.config.dns.listen} -p ${String(server.dns.port)} ${host} A +short`
  if ((await context.accounts.listUsers()).length > 0) {
    const found = (await context.accounts.listHosts('demo')).find((h) => h.fqdn === DEMO_HOST)
    if (found === undefined) return [login]
    return [
      `Demo host ${DEMO_HOST} exists; its token and password were printed at first start.`,
      `New token:  dynzone token create --user demo --host ${DEMO_HOST}`,
      `Look it up: ${dig(DEMO_HOST)}`,
      `${login} (user demo; new password: dynzone user passwd demo --password-stdin)`,
    ]
  }
  const password = generateTokenSecret((n) => randomBytes(n))
  const user = await context.accounts.addUser({ name: 'demo', password })
  if (!user.ok) return [`demo setup failed: ${user.error.message}`]
  const host = await context.accounts.addHost({ fqdn: DEMO_HOST, owner: 'demo' })
  if (!host.ok) return [`demo setup failed: ${host.error.message}`]
  const token = await context.accounts.createToken({
    owner: 'demo',
    host: DEMO_HOST,
    label: 'demo',
  })
  if (!token.ok) return [`demo setup failed: ${token.error.message}`]
  return [
    `Created demo user "demo", host ${DEMO_HOST}, a token and a password (shown only now).`,
    `Update it:  curl -u demo:${token.value.secret} '${httpBase(server)}/nic/update?hostname=${DEMO_HOST}&myip=203.0.113.10'`,
    `Look it up: ${dig(DEMO_HOST)}`,
    `${login} (user demo, password ${password})`,
  ]
}

/** A demo from an earlier start on the embedded defaults, now that the config names zones. */
async function warnLeftoverDemo(server: RunningServer): Promise<void> {
  const { context } = server
  const hosts = await context.accounts.listHosts('demo')
  const leftover = hosts.find((h) => h.fqdn === DEMO_HOST)
  if (leftover === undefined) {
    if (context.config.demo.enabled)
      context.logger.info(
        'demo not created: the config names its zones (demo.enabled applies to the embedded defaults only)',
      )
    return
  }
  context.logger.warn(
    { user: 'demo', host: DEMO_HOST },
    'demo not created: the config names its zones; user "demo" from an earlier start on the embedded defaults remains (remove it: dynzone user delete demo)',
  )
}

function httpBase(server: RunningServer): string {
  return `http://${hostForUrl(server.context.config.http.listen)}:${String(server.httpPort)}`
}

function hostForUrl(listen: string): string {
  if (listen === '0.0.0.0') return '127.0.0.1'
  if (listen === '::') return '[::1]'
  return listen.includes(':') ? `[${listen}]` : listen
}
