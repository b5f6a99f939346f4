/** The process logger (pino), with every place a secret could sit redacted. */
import { pino, type DestinationStream, type Logger } from 'pino'

/** Paths pino censors in every log object. */
export const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
]

/** Creates the logger at a level, writing JSON lines to the given stream (stdout by default). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { name: 'dynzone' },
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}

export type { Logger }
