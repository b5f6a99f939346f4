/** Where the SQLite opener used to live; kept so existing imports keep working. */
export { openSqlite } from './dialects/sqlite.ts'
