/**
 * Users in the host-administration store, shared by the CLI, the REST API and the web UI:
 * one user query (with the password hash, which only the login reads; listings say whether
 * there is one), adding, changing and deleting users, and the ids of lockout pairs (locks are
 * kept per user name and client address). Deleting a user deletes their hosts and tokens and
 * bumps the serial of every zone where their hosts had records.
 */
import type { Kysely } from 'kysely'
import {
  CHANGE_MAIL_FAMILIES,
  type ChangeMails,
  type NewUser,
  type UserDetail,
  type UserSummary,
} from '../core/accounts/account-store.ts'
import type { Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { bumpSerial } from './zone-serials.ts'

/** A user with the password hash (core's `UserDetail`). */
export type UserRecord = UserDetail

/** A user by name, with the password hash. */
export async function userByName(
  db: Kysely<Database>,
  name: string,
): Promise<UserRecord | undefined> {
  const r = await userRows(db).where('name', '=', name).executeTakeFirst()
  return r === undefined ? undefined : toRecord(r)
}

/** Every user by name, with the password hashes. */
export async function userRecords(db: Kysely<Database>): Promise<UserRecord[]> {
  return (await userRows(db).orderBy('name').execute()).map(toRecord)
}

/** Every user by name, as listed (whether there is a password, never its hash). */
export async function listUsers(db: Kysely<Database>): Promise<UserSummary[]> {
  return (await userRecords(db)).map(summary)
}

/** Adds a user. */
export async function insertUser(db: Kysely<Database>, u: NewUser): Promise<UserSummary> {
  const id = await insertId(
    db,
    db.insertInto('users').values({
      name: u.name,
      email: u.email,
      password_hash: u.passwordHash,
      is_admin: u.isAdmin ? 1 : 0,
      created_at: u.createdAt,
    }),
  )
  return summary({ id, ...u })
}

/** Sets a user's email (`null` clears it), admin flag and/or password hash; absent fields stay. */
export async function setUserFields(
  db: Kysely<Database>,
  userId: number,
  fields: {
    readonly email?: string | null
    readonly isAdmin?: boolean
    readonly passwordHash?: string
    readonly changeMails?: ChangeMails
  },
): Promise<void> {
  const mails = fields.changeMails
  const set = {
    ...(fields.email === undefined ? {} : { email: fields.email }),
    ...(fields.isAdmin === undefined ? {} : { is_admin: fields.isAdmin ? 1 : 0 }),
    ...(fields.passwordHash === undefined ? {} : { password_hash: fields.passwordHash }),
    ...(mails === undefined
      ? {}
      : { notify_families: mails.families, notify_quiet_minutes: mails.quietMinutes }),
  }
  if (Object.keys(set).length === 0) return
  await db.updateTable('users').set(set).where('id', '=', userId).execute()
}

/** Deletes a user with their hosts and tokens; returns the zones whose records changed. */
export async function deleteUser(
  db: Kysely<Database>,
  userId: number,
  at: string,
): Promise<Fqdn[]> {
  return db.transaction().execute(async (trx) => {
    const zones = await trx
      .selectFrom('hosts')
      .innerJoin('zones', 'zones.id', 'hosts.zone_id')
      .innerJoin('records', 'records.host_id', 'hosts.id')
      .select('zones.name')
      .distinct()
      .where('hosts.owner_id', '=', userId)
      .execute()
    await trx.deleteFrom('users').where('id', '=', userId).execute()
    for (const z of zones) await bumpSerial(trx, z.name as Fqdn, at)
    return zones.map((z) => z.name as Fqdn)
  })
}

/** The row id of each lockout pair, keyed by `subject\0source` (the pair is unique). */
export async function lockoutIds(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('lockouts').select(['id', 'subject', 'source']).execute()
  return new Map(rows.map((r) => [`${r.subject}\0${r.source}`, r.id]))
}

function userRows(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'name',
      'email',
      'is_admin',
      'password_hash',
      'created_at',
      'notify_families',
      'notify_quiet_minutes',
    ])
}

function toRecord(
  r: Awaited<ReturnType<ReturnType<typeof userRows>['execute']>>[number],
): UserRecord {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    isAdmin: r.is_admin === 1,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    changeMails: {
      families: CHANGE_MAIL_FAMILIES.find((f) => f === r.notify_families) ?? 'none',
      quietMinutes: r.notify_quiet_minutes,
    },
  }
}

function summary(u: Omit<UserRecord, 'changeMails'>): UserSummary {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    isAdmin: u.isAdmin,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt,
  }
}
