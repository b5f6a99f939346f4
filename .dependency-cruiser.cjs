// The layer rules and the import-cycle check (docs/architecture.md), run in CI by
// `npm run lint:deps`. test/architecture/dependency-rules.test.ts feeds each rule a violating
// import to see it fire.
//
// Imports are read before TypeScript erases them (`tsPreCompilationDeps`): a type-only import
// is a dependency like any other. It ties the importer to the imported module's meaning, and
// a type-only cycle is the same tangle of responsibilities as a runtime one; it only fails
// later (the day one of the imports starts carrying a value).

/**
 * What each folder of src/ may import besides itself: folders (`store`) or single files
 * (`config/fields.ts`, the leaf schema builders every part's config section uses). Shipped
 * code only: tests (`*.test.ts`) wire real parts together and may import anything.
 * The composition roots may import anything: src/app.ts, src/main.ts, the starters in
 * src/start/ (they build and wire the parts) and the DNS worker entry src/dns-worker-main.ts.
 */
const LAYERS = {
  // The domain: rules and ports, no framework, driver, socket or outer folder (eslint also
  // holds core's packages and Node built-ins, in eslint.config.js).
  core: [],
  // DNS wire format.
  dns: ['core'],
  // Zone files (RFC 1035 master format), record types in text and the zone content rules.
  zone: ['core', 'dns'],
  // HTTP update dialects: request in, intent out. No DNS wire format: they speak HTTP.
  dialects: ['core', 'config/fields.ts'],
  security: ['core'],
  observability: ['core', 'dns', 'publisher'],
  // zone: record values of every type are read and written by its codec (zone/record-value.ts).
  store: ['core', 'dns', 'zone', 'config/fields.ts'],
  backends: ['core', 'dns', 'zone', 'config/fields.ts'],
  // The built-in DNS server: never the database, the jobs or the backends (the builtin
  // backend publishes into its index, not the other way round).
  authoritative: ['core', 'dns', 'zone', 'config/fields.ts'],
  publisher: ['core', 'dns', 'zone', 'backends', 'store'],
  notifications: ['core', 'config', 'observability', 'store'],
  jobs: ['core', 'dns', 'authoritative', 'backends', 'observability', 'publisher', 'store'],
  http: ['core', 'dialects', 'observability'],
  // The admin doors hold no database handle: they write and read through core services.
  api: ['core', 'http', 'observability', 'security'],
  web: ['core', 'http', 'security'],
  cli: ['core', 'config', 'api', 'backends', 'notifications', 'observability', 'app.ts'],
  // The config assembles every part's config section and checks it.
  config: [
    'core',
    'dns',
    'authoritative',
    'backends',
    'dialects',
    'http',
    'notifications',
    'security',
    'store',
  ],
}

/** Database access: only store/ (and the composition roots) hold it. */
const DATABASE_PACKAGES = ['kysely', 'better-sqlite3', 'pg', 'mysql2']
const NO_DATABASE = ['api', 'web', 'cli']

/**
 * TEMPORARY exceptions: files with the extra folders (`to`) and database packages
 * (`packages`) they may still import, as `{ name, files, to, packages }`. Every entry is a
 * violation being removed; the list only shrinks. Empty today.
 */
/** @type {{ name: string, files: string[], to: string[], packages: string[] }[]} */
const EXCEPTIONS = []

const TESTS = '[.]test[.]ts$'
const escape = (text) => text.replace(/[.]/g, '[.]')
const target = (entry) => (entry.endsWith('.ts') ? `${escape(entry)}$` : `${entry}/`)
const anyOf = (entries) => `^src/(${entries.map(target).join('|')})`
const filesOf = (folder) =>
  EXCEPTIONS.flatMap((e) => e.files).filter((f) => f.startsWith(`src/${folder}/`))

function layerRule(name, folder, fromPath, fromPathNot, allowed) {
  return {
    name,
    severity: 'error',
    comment: `${folder}/ imports only ${allowed.join(', ') || 'itself'} (.dependency-cruiser.cjs, docs/architecture.md)`,
    from: { path: fromPath, pathNot: fromPathNot },
    to: { path: '^src/', pathNot: anyOf([folder, ...allowed]) },
  }
}

function databaseRule(name, fromPath, fromPathNot, packages) {
  return {
    name,
    severity: 'error',
    comment: 'api/, web/ and cli/ hold no database handle: go through a core service',
    from: { path: fromPath, pathNot: fromPathNot },
    // Resolved path: a package's own code or its @types.
    to: { path: `(^|/)node_modules/(@types/)?(${packages.join('|')})/` },
  }
}

const layerRules = Object.entries(LAYERS).flatMap(([folder, allowed]) => {
  const exceptional = filesOf(folder)
  const rules = [
    layerRule(
      `layer-${folder}`,
      folder,
      `^src/${folder}/`,
      [TESTS, ...exceptional.map((f) => `^${escape(f)}$`)],
      allowed,
    ),
  ]
  EXCEPTIONS.forEach((e) => {
    const files = e.files.filter((f) => exceptional.includes(f))
    if (files.length === 0) return
    rules.push(
      layerRule(
        `layer-${folder}-except-${e.name}`,
        folder,
        files.map((f) => `^${escape(f)}$`),
        [],
        [...allowed, ...e.to],
      ),
    )
  })
  return rules
})

const databaseRules = NO_DATABASE.map((folder) => {
  const excused = EXCEPTIONS.filter((e) => e.packages.length > 0).flatMap((e) => e.files)
  return databaseRule(
    `no-database-${folder}`,
    `^src/${folder}/`,
    [TESTS, ...excused.map((f) => `^${escape(f)}$`)],
    DATABASE_PACKAGES,
  )
})

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles, type-only imports included (see the top of this file)',
      from: {},
      to: { circular: true },
    },
    {
      name: 'layer-unlisted-folder',
      severity: 'error',
      comment:
        'every folder of src/ has its line in LAYERS (.dependency-cruiser.cjs) and docs/architecture.md',
      from: { path: '^src/[^/]+/', pathNot: [TESTS, '^src/start/', anyOf(Object.keys(LAYERS))] },
      to: { path: '^src/' },
    },
    {
      name: 'no-composition-root-import',
      severity: 'error',
      comment: 'src/main.ts and the DNS worker entry are roots: nothing imports them',
      from: { pathNot: TESTS },
      to: { path: ['^src/main[.]ts$', '^src/dns-worker-main[.]ts$'] },
    },
    ...layerRules,
    ...databaseRules,
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data|test-artifacts)/' },
  },
}
