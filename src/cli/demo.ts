/**
 * The first-start demo: with `demo.enabled` and an empty user table, create user `demo`,
 * host `myhost.<first zone>` and a token for it, so a newcomer can update with curl and read
 * back with dig at once. Never runs again once any user exists (so no duplicates, and never
 * on a real deployment that has users).
 */
import type { RunningServer } from '../app.ts'

/** The lines to print after start. */
export async function ensureDemo(server: RunningServer): Promise<string[]> {
  const { context } = server
  const zone = context.zones[0]
  if (!context.config.demo.enabled || zone === undefined) return []
  const http = `http://${hostForUrl(context.config.http.listen)}:${String(server.httpPort)}`
  const dig = (host: string): string =>
    server.dns === null
      ? ''
      : `dig @${context.config.dns.listen} -p ${String(server.dns.port)} ${host} A +short`
  const fqdn = `myhost.${zone.name}`
  if ((await context.accounts.listUsers()).length > 0) {
    const demo = (await context.accounts.listHosts('demo')).find((h) => h.fqdn === fqdn)
    if (demo === undefined) return []
    return [
      `Demo host ${fqdn} exists; its token was printed at first start.`,
      `New token:  dynzone token create --user demo --host ${fqdn}`,
      `Look it up: ${dig(fqdn)}`,
    ]
  }
  const user = await context.accounts.addUser({ name: 'demo' })
  if (!user.ok) return [`demo setup failed: ${user.error.message}`]
  const host = await context.accounts.addHost({ fqdn, owner: 'demo' })
  if (!host.ok) return [`demo setup failed: ${host.error.message}`]
  const token = await context.accounts.createToken({ owner: 'demo', host: fqdn, label: 'demo' })
  if (!token.ok) return [`demo setup failed: ${token.error.message}`]
  return [
    `Created demo user "demo", host ${fqdn} and a token (shown only now).`,
    `Update it:  curl -u demo:${token.value.secret} '${http}/nic/update?hostname=${fqdn}&myip=203.0.113.10'`,
    `Look it up: ${dig(fqdn)}`,
  ]
}

function hostForUrl(listen: string): string {
  if (listen === '0.0.0.0') return '127.0.0.1'
  if (listen === '::') return '[::1]'
  return listen.includes(':') ? `[${listen}]` : listen
}
