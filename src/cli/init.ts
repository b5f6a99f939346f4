/** `dynzone init`: write a commented sample configuration file. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { sampleConfigToml } from '../config/sample.ts'
import { EXIT } from './exit-codes.ts'
import type { CliIo } from './io.ts'

/** Registers `init`. */
export function registerInitCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('init [file]')
    .description(
      'write a commented sample config (default ./dynzone.toml); never overwrites without --force',
    )
    .option('--force', 'overwrite an existing file')
    .action((file: string | undefined, opts: { force?: boolean }) => {
      const path = resolve(io.cwd, file ?? 'dynzone.toml')
      if (existsSync(path) && opts.force !== true) {
        io.err(`dynzone: ${path} exists; use --force to overwrite\n`)
        setExit(EXIT.exists)
        return
      }
      try {
        // /etc/dynzone does not exist before the service first starts: made here.
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 })
        writeFileSync(path, sampleConfigToml(), { mode: 0o640 })
      } catch (e) {
        io.err(`dynzone: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`)
        setExit(EXIT.exists)
        return
      }
      io.out(`wrote ${path}\n`)
      setExit(EXIT.ok)
    })
}
