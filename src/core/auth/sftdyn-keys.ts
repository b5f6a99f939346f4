/**
 * What can be an sftdyn secret-URL key of this server, decided from the text alone. A key is
 * a token dynzone made (32 characters of `a-z2-7`) or a secret imported from sftdyn's
 * client list; both obey the rules below, and the import refuses a secret that breaks them.
 * The sftdyn dialect answers a path that breaks them as an unknown page before any
 * credential is looked at, so a browser's `/favicon.ico` or `/.env` scan never counts as a
 * bad key (lockouts, budgets, `badauth`).
 */

/** The longest key: imported sftdyn secrets may be up to 200 characters. */
export const SFTDYN_KEY_MAX = 200

// Visible ASCII only: a request target carries no spaces or control characters, and a key
// with other characters would arrive percent-encoded, never as written.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

// Files browsers, crawlers and scanners ask every site for; a secret ending so would be
// indistinguishable from them. Hostname-like keys (`home.example.com`) stay possible.
const FILE_EXTENSION =
  /\.(?:ico|png|gif|jpe?g|svg|webp|avif|bmp|txt|xml|json|webmanifest|html?|php\d?|aspx?|jsp|cgi|js|mjs|css|map|woff2?|ttf|env|ini|cfg|conf|ya?ml|bak|old|sql|log|zip|gz|tgz|tar|rar|7z)$/i

/** Why `key` cannot be a key of this server, or undefined when it can. */
export function sftdynKeyProblem(key: string): string | undefined {
  if (key === '') return 'the key is empty'
  if (key.length > SFTDYN_KEY_MAX)
    return `the key is longer than ${String(SFTDYN_KEY_MAX)} characters`
  if (!VISIBLE_ASCII.test(key)) return 'the key has characters other than visible ASCII'
  const path = key.split('?', 1)[0] ?? ''
  const last = path.slice(path.lastIndexOf('/') + 1)
  if (path.split('/').some((segment) => segment.startsWith('.')))
    return 'the key names a hidden file (a part starts with ".")'
  if (FILE_EXTENSION.test(last)) return 'the key looks like a file name (favicon.ico, robots.txt)'
  return undefined
}
