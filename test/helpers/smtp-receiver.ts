/**
 * A real SMTP receiver for notification tests: the `smtp-server` package on 127.0.0.1 and a
 * free port, optionally requiring a login (over STARTTLS with its built-in test certificate).
 * Collects every accepted message with its envelope, subject and decoded text body.
 */
import { SMTPServer } from 'smtp-server'
import { freePort } from './free-port.ts'

/** One received mail. */
export interface ReceivedMail {
  readonly from: string
  readonly to: readonly string[]
  readonly subject: string
  readonly body: string
  readonly user: string | undefined
}

/** A running receiver. */
export interface SmtpReceiver {
  readonly port: number
  readonly mails: ReceivedMail[]
  /** Resolves when at least `count` mails arrived, or rejects after `timeoutMs`. */
  waitForMails(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
  stop(): Promise<void>
}

/** Starts a receiver; with `login`, only that user/password may send. */
export async function startSmtpReceiver(login?: {
  user: string
  pass: string
}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: login === undefined,
    ...(login === undefined ? { disabledCommands: ['STARTTLS', 'AUTH'] } : {}),
    logger: false,
    onAuth(auth, _session, callback) {
      if (login !== undefined && auth.username === login.user && auth.password === login.pass) {
        callback(null, { user: auth.username })
      } else {
        callback(new Error('invalid login'))
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const from = session.envelope.mailFrom
        mails.push({
          from: from === false ? '' : from.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMessage(raw),
          user: typeof session.user === 'string' ? session.user : undefined,
        })
        callback()
      })
    },
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    port,
    mails,
    async waitForMails(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs
      while (mails.length < count) {
        if (Date.now() > until)
          throw new Error(`only ${String(mails.length)} of ${String(count)} mails arrived`)
        await new Promise((r) => setTimeout(r, 20))
      }
      return mails
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}

function parseMessage(raw: string): { subject: string; body: string } {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  let body = raw.slice(split + 4)
  const header = (name: string): string =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? ''
  if (/quoted-printable/i.test(header('Content-Transfer-Encoding'))) {
    body = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  } else if (/base64/i.test(header('Content-Transfer-Encoding'))) {
    body = Buffer.from(body, 'base64').toString('utf8')
  }
  return { subject: header('Subject'), body: body.replace(/\r\n/g, '\n') }
}
