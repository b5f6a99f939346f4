/**
 * What browsers and crawlers ask every site for, answered so that it never reaches an update
 * dialect: `/favicon.ico` (a 16×16 icon, cached for a week), `/robots.txt` (`Disallow: /`:
 * secret URLs and routers' update URLs have no place in a search index), and the answer to
 * every unknown path, an HTML page for a browser (`Accept: text/html`) and one plain line
 * for anything else (JSON in the API's error shape below `/api`). sftdyn's paths that cannot be a key come here too
 * (`UpdateDialect.unknownPath`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

// A blue rounded square with a white ring: a PNG inside an ICO container, 146 bytes.
const FAVICON = Buffer.from(
  'AAABAAEAEBAAAAEAIAB8AAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAQAAAAEAgGAAAAH/P/YQAAAENJREFUeNpjYIAC' +
    '+fgV/0nBDMiAVM0ohpCrGW4ILgl0QLQBhADRBuBj4zQAXREh/nA0gOJApEo0UpyQ6JofKMqRMH0AYO55x/3jtzwAAAAA' +
    'SUVORK5CYII=',
  'base64',
)

/** The robots.txt body: nothing here is for crawlers. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow: /\n'

const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Not found</title></head>\n<body><main><h1>Not found</h1>' +
  '<p>There is no page at this address. <a href="/">Go to the start page</a>.</p>' +
  '</main></body></html>\n'

/** True for paths below `/api`, which answer in the API's JSON error shape even off its routes. */
export function isApiPath(url: string): boolean {
  return /^\/api(\/|$|\?)/.test(url)
}

/** Registers `/favicon.ico`, `/robots.txt` and the unknown-path answer. */
export function registerSiteFiles(app: FastifyInstance): void {
  app.get('/favicon.ico', (_req, reply) =>
    reply
      .header('content-type', 'image/x-icon')
      .header('cache-control', 'public, max-age=604800, immutable')
      .send(FAVICON),
  )
  app.get('/robots.txt', (_req, reply) =>
    reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(ROBOTS_TXT),
  )
  app.setNotFoundHandler(notFound)
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // An API client that walked out of `/api/v1` (`/api/`, `/api/v2/…`) still gets the API's
  // JSON error shape, as every path under `/api/v1` does.
  if (isApiPath(req.url)) {
    return reply
      .status(404)
      .header('cache-control', 'no-store')
      .send({ error: { code: 'route_not_found', message: `no ${req.method} route here` } })
  }
  const html = (req.headers.accept ?? '').includes('text/html')
  return reply
    .status(404)
    .header('content-type', html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')
    .send(html ? NOT_FOUND_HTML : 'not found\n')
}
