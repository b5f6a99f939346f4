/**
 * A Route 53 stand-in (API version 2013-04-01, REST/XML), following the documented API:
 * SigV4-signed requests (the `Authorization` header must name the configured access key
 * id; the signature itself is not verified), `POST /hostedzone/{id}/rrset` with a
 * ChangeBatch applied atomically (CREATE, UPSERT, DELETE that must match the current TTL
 * and values exactly), `GET /hostedzone/{id}/rrset?name=&type=&maxitems=` sorted by name
 * with labels reversed and then type, with `IsTruncated`/`NextRecordName`/`NextRecordType`,
 * `GET /change/{id}` (PENDING, then INSYNC), and `<ErrorResponse>` errors.
 */
import { isIP } from 'node:net'
import { randomUUID } from 'node:crypto'
import {
  startStandin,
  type Standin,
  type StandinReply,
  type StandinRequest,
} from './http-standin.ts'

/** A stored record set. */
export interface R53StoredSet {
  name: string
  type: string
  ttl: number
  values: string[]
}

/** The stand-in and its state. */
export interface Route53Standin extends Standin {
  readonly zoneId: string
  /** Keyed `name type`, names absolute and lowercase. */
  readonly sets: Map<string, R53StoredSet>
  /** ChangeBatches received, each as `ACTION name type` lines. */
  readonly batches: string[][]
}

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/'

/** An AWS `<ErrorResponse>` reply (also for `failNext`). */
export function awsErrorReply(status: number, code: string, message: string): StandinReply {
  return xml(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${escape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  )
}

/** Starts a stand-in holding one hosted zone with its SOA and NS. */
export async function startRoute53Standin(
  zoneName: string,
  accessKeyId: string,
  pageCap = 300,
): Promise<Route53Standin> {
  const apex = `${zoneName}.`
  const zoneId = 'Z' + randomUUID().replace(/-/g, '').slice(0, 13).toUpperCase()
  const sets = new Map<string, R53StoredSet>()
  const batches: string[][] = []
  const changes = new Map<string, number>()
  const put = (s: R53StoredSet) => sets.set(`${s.name} ${s.type}`, s)
  put({
    name: apex,
    type: 'SOA',
    ttl: 900,
    values: [`ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
  })
  put({
    name: apex,
    type: 'NS',
    ttl: 172800,
    values: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.com.'],
  })

  const route = (req: StandinRequest): StandinReply => {
    const auth = req.headers.authorization ?? ''
    if (!auth.startsWith('AWS4-HMAC-SHA256 ') || req.headers['x-amz-date'] === undefined) {
      return awsErrorReply(403, 'MissingAuthenticationToken', 'Missing Authentication Token')
    }
    if (!auth.includes(`Credential=${accessKeyId}/`)) {
      return awsErrorReply(
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      )
    }
    const path = req.url.pathname.replace(/\/$/, '')
    const change = /^\/2013-04-01\/change\/(.+)$/.exec(path)
    if (change !== null && req.method === 'GET') return getChange(change[1] ?? '')
    const m = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/.exec(path)
    if (m === null) return awsErrorReply(404, 'UnknownOperationException', `no route ${path}`)
    if (m[1] !== zoneId)
      return awsErrorReply(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${m[1] ?? ''}`)
    if (req.method === 'GET') return list(req.url.searchParams)
    if (req.method === 'POST') return changeBatch(typeof req.body === 'string' ? req.body : '')
    return awsErrorReply(405, 'InvalidInput', 'method not allowed')
  }

  const getChange = (id: string): StandinReply => {
    const polls = changes.get(id)
    if (polls === undefined)
      return awsErrorReply(
        404,
        'NoSuchChange',
        `A change with the specified change ID does not exist.`,
      )
    changes.set(id, polls + 1)
    return xml(
      200,
      `<GetChangeResponse xmlns="${NS}">${changeInfo(id, polls >= 1 ? 'INSYNC' : 'PENDING')}</GetChangeResponse>`,
    )
  }

  const list = (q: URLSearchParams): StandinReply => {
    const max = Math.min(Number(q.get('maxitems') ?? '300'), pageCap)
    const startName = q.get('name')
    const startType = q.get('type') ?? ''
    if (q.get('type') !== null && startName === null) {
      return awsErrorReply(400, 'InvalidInput', 'The input is not valid: type requires name')
    }
    const sorted = [...sets.values()].sort(compareSets)
    const from =
      startName === null
        ? 0
        : sorted.findIndex(
            (s) => compareSets(s, { name: absolute(startName), type: startType }) >= 0,
          )
    const rest = from < 0 ? [] : sorted.slice(from)
    const page = rest.slice(0, max)
    const next = rest[max]
    return xml(
      200,
      `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets>${page.map(setXml).join('')}` +
        `</ResourceRecordSets><IsTruncated>${next !== undefined}</IsTruncated>` +
        (next === undefined
          ? ''
          : `<NextRecordName>${escape(next.name)}</NextRecordName><NextRecordType>${next.type}</NextRecordType>`) +
        `<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`,
    )
  }

  const changeBatch = (body: string): StandinReply => {
    const parsed = elements(body, 'Change').map((c) => ({
      action: text(c, 'Action'),
      set: {
        name: absolute(text(c, 'Name')),
        type: text(c, 'Type'),
        ttl: Number(text(c, 'TTL')),
        values: elements(c, 'Value').map(decode),
      },
    }))
    if (parsed.length === 0)
      return awsErrorReply(400, 'InvalidInput', 'ChangeBatch.Changes is empty')
    // Documented per-request quotas; an UPSERT's records and characters count twice.
    const weight = (action: string): number => (action === 'UPSERT' ? 2 : 1)
    const records = parsed.reduce((n, c) => n + c.set.values.length * weight(c.action), 0)
    const chars = parsed.reduce(
      (n, c) => n + c.set.values.reduce((m, v) => m + v.length, 0) * weight(c.action),
      0,
    )
    if (records > 1000)
      return awsErrorReply(
        400,
        'InvalidChangeBatch',
        `[Number of records in the request (${String(records)}) exceeds the limit of 1000]`,
      )
    if (chars > 32_000)
      return awsErrorReply(
        400,
        'InvalidChangeBatch',
        `[Number of characters in Value elements (${String(chars)}) exceeds the limit of 32000]`,
      )
    const work = new Map(sets)
    const problems: string[] = []
    const seen = new Set<string>()
    for (const { action, set } of parsed) {
      const key = `${set.name} ${set.type}`
      const label = `[name='${set.name}', type='${set.type}']`
      if (seen.has(key))
        problems.push(
          `The request contains an invalid set of changes for a resource record set '${set.type} ${set.name}'`,
        )
      seen.add(key)
      const bad = validate(set, apex)
      if (bad !== null) problems.push(bad)
      const current = work.get(key)
      if (action === 'DELETE') {
        if (current === undefined)
          problems.push(`Tried to delete resource record set ${label} but it was not found`)
        else if (
          current.ttl !== set.ttl ||
          [...current.values].sort().join('\n') !== [...set.values].sort().join('\n')
        ) {
          problems.push(
            `Tried to delete resource record set ${label} but the values provided do not match the current values`,
          )
        } else work.delete(key)
      } else if (action === 'CREATE' && current !== undefined) {
        problems.push(`Tried to create resource record set ${label} but it already exists`)
      } else if (action === 'CREATE' || action === 'UPSERT') work.set(key, set)
      else problems.push(`Invalid action ${action}`)
    }
    if (problems.length > 0)
      return awsErrorReply(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`)
    sets.clear()
    for (const [k, v] of work) sets.set(k, v)
    batches.push(parsed.map((c) => `${c.action} ${c.set.name} ${c.set.type}`))
    const id = `C${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`
    changes.set(id, 0)
    return xml(
      200,
      `<ChangeResourceRecordSetsResponse xmlns="${NS}">${changeInfo(id, 'PENDING')}</ChangeResourceRecordSetsResponse>`,
    )
  }

  const standin = await startStandin(route)
  return { ...standin, zoneId, sets, batches }
}

function validate(set: R53StoredSet, apex: string): string | null {
  const bad = (v: string, why: string) =>
    `Invalid Resource Record: 'FATAL problem: ${why} encountered with '${v}''`
  if (set.name !== apex && !set.name.endsWith(`.${apex}`))
    return `RRSet with DNS name ${set.name} is not permitted in zone ${apex}`
  if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > 2147483647)
    return `Invalid TTL ${set.ttl}`
  if (set.values.length === 0)
    return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]]`
  for (const v of set.values) {
    if (set.type === 'A' && isIP(v) !== 4)
      return bad(v, 'ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)')
    if (set.type === 'AAAA' && isIP(v) !== 6)
      return bad(v, 'AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)')
    if (set.type === 'TXT' && !/^"/.test(v))
      return bad(v, 'InvalidCharacterString (Value should be enclosed in quotation marks)')
  }
  return null
}

function xml(status: number, body: string): StandinReply {
  return { status, headers: { 'content-type': 'text/xml' }, text: `<?xml version="1.0"?>\n${body}` }
}

function changeInfo(id: string, status: string): string {
  return `<ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status><SubmittedAt>${new Date().toISOString()}</SubmittedAt><Comment>dynzone</Comment></ChangeInfo>`
}

function setXml(s: R53StoredSet): string {
  const records = s.values
    .map((v) => `<ResourceRecord><Value>${escape(v)}</Value></ResourceRecord>`)
    .join('')
  return `<ResourceRecordSet><Name>${escape(s.name)}</Name><Type>${s.type}</Type><TTL>${s.ttl}</TTL><ResourceRecords>${records}</ResourceRecords></ResourceRecordSet>`
}

// Route 53 lists by name with labels reversed (com.example.www), then by type.
function compareSets(a: { name: string; type: string }, b: { name: string; type: string }): number {
  const key = (n: string) => n.replace(/\.$/, '').split('.').reverse().join('.')
  const [ka, kb] = [key(a.name), key(b.name)]
  if (ka !== kb) return ka < kb ? -1 : 1
  return a.type === b.type ? 0 : a.type < b.type ? -1 : 1
}

// Names are stored lowercase and absolute, `*` written as Route 53 writes it (`\052`).
function absolute(name: string): string {
  const lower = name.toLowerCase().replace(/\*/g, '\\052')
  return lower.endsWith('.') ? lower : `${lower}.`
}

function elements(source: string, tag: string): string[] {
  return [...source.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => m[1] ?? '',
  )
}

function text(source: string, tag: string): string {
  return decode(elements(source, tag)[0] ?? '')
}

function escape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

function decode(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
