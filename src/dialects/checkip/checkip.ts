/**
 * Check-IP: the caller's address, in plain text on `/checkip`, `/check_ip` (dyndns53) and
 * `/myip`, or as the classic checkip.dyndns.org page (`Current IP Address: A.B.C.D`) on
 * `/nic/checkip` and with `?format=html`. The address is only ever in the body: ddclient
 * takes the first IPv4 address it finds anywhere in the response, headers included.
 */
import { err } from '../../core/result.ts'
import type { DialectResponse, UpdateDialect, UpdateRequest } from '../dialect.ts'

const PLAIN_PATHS = ['/checkip', '/check_ip', '/myip']
const HTML_PATHS = ['/nic/checkip']

/** Creates the check-IP endpoints. */
export function createCheckip(): UpdateDialect {
  return {
    name: 'checkip',
    routes: [...PLAIN_PATHS, ...HTML_PATHS].map((path) => ({ method: 'GET' as const, path })),
    answer,
    parse: () => err({ code: 'badrequest', message: 'check-IP takes no updates' }),
    render: (_result, req) => answer(req),
  }
}

function answer(req: UpdateRequest): DialectResponse {
  const html =
    HTML_PATHS.includes(req.path.replace(/\/+$/, '')) ||
    (req.params.get('format') ?? '').toLowerCase() === 'html'
  const headers = { 'cache-control': 'no-store' }
  if (!html) {
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      body: req.clientIp.text,
    }
  }
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    body: `<html><head><title>Current IP Check</title></head><body>Current IP Address: ${req.clientIp.text}</body></html>\r\n`,
  }
}
