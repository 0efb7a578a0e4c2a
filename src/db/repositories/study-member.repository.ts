import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** A member of a study, with what the owner needs to recognise them. */
export interface StudyMemberRow {
  readonly user_id: string;
  readonly display_name: string;
  readonly email: string;
  readonly role: string;
  readonly added_at: string;
}

/** The members of each of these studies (not their owners), by name. */
export async function membersOfStudies(
  db: Kysely<DB>,
  studies: readonly string[],
): Promise<Map<string, StudyMemberRow[]>> {
  const out = new Map<string, StudyMemberRow[]>(studies.map((s) => [s, []]));
  if (studies.length === 0) return out;
  const rows = await db
    .selectFrom('study_members')
    .innerJoin('users', 'users.id', 'study_members.user_id')
    .select([
      'study_members.study',
      'study_members.user_id',
      'study_members.added_at',
      'users.display_name',
      'users.email',
      'users.role',
    ])
    .where('study_members.study', 'in', [...studies])
    .orderBy('users.display_name')
    .orderBy('users.email')
    .execute();
  for (const { study, ...member } of rows) out.get(study)?.push(member);
  return out;
}

/** Adds a member; adding one twice changes nothing. Returns whether a row was added. */
export async function addStudyMember(
  db: Kysely<DB>,
  row: { study: string; user_id: string; added_by: string | null; added_at: string },
): Promise<boolean> {
  const result = await db
    .insertInto('study_members')
    .values(row)
    .onConflict((oc) => oc.columns(['study', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Removes a member. Returns whether there was one to remove. */
export async function removeStudyMember(
  db: Kysely<DB>,
  study: string,
  userId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('study_members')
    .where('study', '=', study)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
