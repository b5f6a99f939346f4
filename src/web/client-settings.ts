/**
 * Ready-to-paste client settings for one host: the same configurations the dialect READMEs
 * document and `test/e2e/clients.test.ts` checks, filled in with this server's URL, the
 * user's name, the host and (right after creation, once) the token secret.
 */

/** Where and as whom a client updates. */
export interface ClientTarget {
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https'
  /** `host[:port]` as the browser reached dynzone. */
  readonly server: string
  readonly user: string
  readonly fqdn: string
  /** The token secret when just created; otherwise a placeholder. */
  readonly token: string
}

/** One client's settings. */
export interface ClientSetting {
  readonly id: string
  readonly title: string
  readonly text: string
}

/** The settings of every documented client, in display order. */
export function clientSettings(t: ClientTarget): ClientSetting[] {
  const base = `${t.scheme}://${t.server}`
  const ssl = t.scheme === 'https'
  return [
    {
      id: 'curl',
      title: 'curl',
      text: `curl -u '${t.user}:${t.token}' '${base}/nic/update?hostname=${t.fqdn}'`,
    },
    {
      id: 'ddclient',
      title: 'ddclient (/etc/ddclient.conf)',
      text: [
        'protocol=dyndns2',
        `use=web, web=${base}/checkip`,
        `server=${t.server}`,
        `ssl=${ssl ? 'yes' : 'no'}`,
        `login=${t.user}`,
        `password='${t.token}'`,
        t.fqdn,
      ].join('\n'),
    },
    {
      id: 'inadyn',
      title: 'inadyn (/etc/inadyn.conf)',
      text: `custom dynzone {
    ssl             = ${String(ssl)}
    username        = ${t.user}
    password        = ${t.token}
    ddns-server     = ${t.server}
    ddns-path       = "/nic/update?hostname=%h&myip=%i"
    checkip-server  = ${t.server}
    checkip-path    = /checkip
    checkip-ssl     = ${String(ssl)}
    hostname        = ${t.fqdn}
}`,
    },
    {
      id: 'fritzbox',
      title: 'Fritz!Box (Internet → Permit Access → DynDNS → User-defined)',
      text: [
        `Update URL:  ${base}/nic/update?hostname=<domain>&myip=<ipaddr>,<ip6addr>&username=<username>&password=<pass>`,
        `Domain name: ${t.fqdn}`,
        `Username:    ${t.user}`,
        `Password:    ${t.token}`,
      ].join('\n'),
    },
    {
      id: 'openwrt',
      title: 'OpenWrt ddns-scripts (/etc/config/ddns)',
      text: [
        "config service 'dynzone'",
        "\toption enabled '1'",
        `\toption lookup_host '${t.fqdn}'`,
        `\toption domain '${t.fqdn}'`,
        `\toption username '${t.user}'`,
        `\toption password '${t.token}'`,
        `\toption update_url '${t.scheme}://[USERNAME]:[PASSWORD]@${t.server}/nic/update?hostname=[DOMAIN]&myip=[IP]'`,
        ...(ssl ? ["\toption use_https '1'"] : []),
        "\toption ip_source 'network'",
        "\toption ip_network 'wan'",
        "\toption interface 'wan'",
      ].join('\n'),
    },
    {
      id: 'pfsense',
      title: 'pfSense / OPNsense (Services → Dynamic DNS, type Custom)',
      text: [
        `Update URL:    ${base}/nic/update?hostname=${t.fqdn}&myip=%IP%`,
        `Username:      ${t.user}`,
        `Password:      ${t.token}`,
        'Result Match:  good %IP%|nochg %IP%',
        '',
        'OPNsense (os-ddclient, native backend): Service Custom, Protocol DynDNS2,',
        `Server ${t.server}, Username ${t.user}, Password ${t.token}, Hostname ${t.fqdn}`,
      ].join('\n'),
    },
    {
      id: 'acmesh',
      title: 'acme.sh (dns_acmedns; use a token with the acme scope)',
      text: [
        `export ACMEDNS_BASE_URL=${base}`,
        `export ACMEDNS_USERNAME=${t.user} ACMEDNS_PASSWORD='${t.token}' ACMEDNS_SUBDOMAIN=${t.fqdn}`,
        `acme.sh --issue --dns dns_acmedns -d ${t.fqdn} -d '*.${t.fqdn}'`,
      ].join('\n'),
    },
  ]
}
