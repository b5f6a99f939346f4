/**
 * Routers and firewalls that cannot run here, replayed with curl in the exact request shape
 * their sources send (URL, credentials, User-Agent):
 *
 * - Fritz!Box "User-defined" provider: the update URL template with `<domain>`, `<ipaddr>`,
 *   `<ip6addr>`, `<username>`, `<pass>` substituted without URL-escaping;
 *   User-Agent `Fritz!Box DDNS/1.0.1`.
 * - OpenWrt ddns-scripts: `uclient-fetch -q -O <file> -Y off '<update_url>'`, credentials as
 *   `http://user:pass@host/...`; uclient sends them only after a `401` Basic challenge;
 *   User-Agent `uclient-fetch`.
 * - pfSense "Custom" (dyndns.class): PHP curl with `CURLOPT_USERPWD` (Basic, sent up front),
 *   the user's URL with `%IP%` replaced; User-Agent `phpDynDNS/0.7`.
 * - OPNsense os-ddclient native backend, dyndns2 "custom" service: python-requests
 *   `GET http://<server>/nic/update` with `hostname`, `myip`, `wildcard=NOCHG` as encoded
 *   query parameters and HTTPBasicAuth; User-Agent `OPNsense-dyndns`.
 */
import { run } from '../tools.ts'

/** One replayed exchange: the final status and body, and every request line curl sent. */
export interface Replay {
  readonly status: number
  readonly body: string
  /** The request header lines curl sent (`> GET …`, `> Authorization: …`), in order. */
  readonly sent: string[]
}

async function curlVerbose(args: readonly string[]): Promise<Replay> {
  const r = await run('curl', ['-s', '-S', '-v', '--noproxy', '*', '-w', '\n%{http_code}', ...args])
  if (r.code !== 0) throw new Error(`curl failed (${String(r.code)}): ${r.stderr}`)
  const lines = r.stdout.split('\n')
  const status = Number(lines.pop())
  const sent = r.stderr
    .split(/\r?\n/)
    .filter((l) => l.startsWith('> ') && l.length > 2)
    .map((l) => l.slice(2))
  return { status, body: lines.join('\n'), sent }
}

/** Fritz!Box: substitutes the placeholders of `template` verbatim; credentials only in the URL. */
export function fritzbox(
  template: string,
  values: { domain: string; ipaddr: string; ip6addr: string; username: string; pass: string },
): Promise<Replay> {
  const url = template
    .replaceAll('<domain>', values.domain)
    .replaceAll('<ipaddr>', values.ipaddr)
    .replaceAll('<ip6addr>', values.ip6addr)
    .replaceAll('<username>', values.username)
    .replaceAll('<pass>', values.pass)
  // --globoff: curl must send the URL as the box does, brackets and all.
  return curlVerbose(['--globoff', '-A', 'Fritz!Box DDNS/1.0.1', url])
}

/** OpenWrt ddns-scripts through uclient-fetch: credentials only after the 401 challenge. */
export function openwrt(updateUrl: string, user: string, pass: string): Promise<Replay> {
  // --anyauth sends the first request without credentials and answers the challenge.
  return curlVerbose(['--anyauth', '-u', `${user}:${pass}`, '-A', 'uclient-fetch', updateUrl])
}

/** pfSense "Custom": Basic credentials up front, `%IP%` in the URL replaced. */
export function pfsense(
  updateUrl: string,
  ip: string,
  user: string,
  pass: string,
): Promise<Replay> {
  const url = updateUrl.replaceAll('%IP%', ip)
  return curlVerbose(['--basic', '-u', `${user}:${pass}`, '-A', 'phpDynDNS/0.7', url])
}

/** OPNsense dyndns2 "custom": `/nic/update` on `server`, query parameters URL-encoded. */
export function opnsense(
  server: string,
  hostnames: string,
  ip: string,
  user: string,
  pass: string,
): Promise<Replay> {
  const query = new URLSearchParams({ hostname: hostnames, myip: ip, wildcard: 'NOCHG' })
  return curlVerbose([
    '--basic',
    '-u',
    `${user}:${pass}`,
    '-A',
    'OPNsense-dyndns',
    `http://${server}/nic/update?${query.toString()}`,
  ])
}
