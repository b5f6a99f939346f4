/**
 * Sends notification mails over SMTP with nodemailer. `starttls` requires the upgrade (a
 * server that does not offer STARTTLS fails the mail rather than sending it in clear);
 * `tls` is implicit TLS (port 465); certificates are verified unless `tls_verify = false`.
 */
import { createTransport } from 'nodemailer'
import { err, ok, type Result } from '../core/result.ts'
import type { Secret } from '../core/auth/secret.ts'

/** One mail to send. */
export interface Mail {
  readonly to: string
  readonly subject: string
  readonly text: string
}

/** Where mails go; a fake in unit tests, SMTP in the server. */
export interface MailSender {
  send(mail: Mail): Promise<Result<void, string>>
  close(): void
}

/** `[notify.smtp]` as the sender needs it. */
export interface SmtpSettings {
  readonly host: string
  readonly port: number
  readonly security: 'starttls' | 'tls' | 'none'
  readonly username: string
  readonly password: Secret | null
  readonly from: string
  readonly tls_verify: boolean
  readonly timeout_ms: number
}

/** An SMTP sender through one pooled nodemailer transport. */
export function createSmtpSender(settings: SmtpSettings): MailSender {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    tls: { rejectUnauthorized: settings.tls_verify },
    connectionTimeout: settings.timeout_ms,
    greetingTimeout: settings.timeout_ms,
    socketTimeout: settings.timeout_ms,
    ...(settings.username === ''
      ? {}
      : { auth: { user: settings.username, pass: settings.password?.reveal() ?? '' } }),
  })
  return {
    async send(mail) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        })
        return ok(undefined)
      } catch (e) {
        // nodemailer's messages name the server and the SMTP reply, never the password.
        return err(e instanceof Error ? e.message : String(e))
      }
    },
    close() {
      transport.close()
    },
  }
}
