#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (built by `npm run build`, run on install).
import { main } from '../dist/main.js'

await main(process.argv)
