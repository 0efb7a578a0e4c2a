import type { Kysely } from 'kysely';
import {
  findListedStudy,
  listStudies,
  studyHasPatientLinks,
} from '../../db/repositories/import.repository.js';
import {
  addStudyMember,
  membersOfStudies,
  removeStudyMember,
} from '../../db/repositories/study-member.repository.js';
import { findUserByEmail } from '../../db/repositories/user.repository.js';
import type { DB } from '../../db/schema.js';
import { isRole, roleHasPermission, type Role } from '../../domain/auth/permissions.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { requireActor, type Actor, type Deps, type RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { studyViewer } from './study-access.js';

/** A study's owner and members, as its owner or an administrator manages them (ADR 0026). */
export interface StudyAccess {
  readonly study: string;
  readonly owner: { readonly displayName: string; readonly email: string } | null;
  readonly members: {
    readonly userId: string;
    readonly displayName: string;
    readonly email: string;
    readonly role: Role;
    readonly addedAt: string;
  }[];
}

/**
 * Administrators manage the members of every study (they read no study's data: ADR 0026);
 * anyone else only of the studies they own and may still see.
 */
const managesEvery = (actor: Actor) => roleHasPermission(actor.role, 'users.manage');

async function describe(
  db: Kysely<DB>,
  studies: readonly { name: string; owner_name: string | null; owner_email: string | null }[],
): Promise<StudyAccess[]> {
  const members = await membersOfStudies(
    db,
    studies.map((s) => s.name),
  );
  return studies.map((s) => ({
    study: s.name,
    owner:
      s.owner_name !== null && s.owner_email !== null
        ? { displayName: s.owner_name, email: s.owner_email }
        : null,
    members: (members.get(s.name) ?? []).flatMap((m) =>
      isRole(m.role)
        ? [
            {
              userId: m.user_id,
              displayName: m.display_name,
              email: m.email,
              role: m.role,
              addedAt: m.added_at,
            },
          ]
        : [],
    ),
  }));
}

/** The studies whose members the caller may manage, with their owners and members. */
export async function listManagedStudies(deps: Deps, ctx: RequestContext): Promise<StudyAccess[]> {
  const actor = requireActor(ctx);
  const db = deps.database.db;
  const studies = managesEvery(actor)
    ? await listStudies(db, null)
    : (await listStudies(db, studyViewer(ctx, 'read'))).filter((s) => s.owner_id === actor.userId);
  return describe(db, studies);
}

/**
 * The study, if the caller may manage its members. One they may not see is not found, as
 * a study that does not exist; one they see but do not own is theirs to read, not to manage.
 */
async function managedStudy(db: Kysely<DB>, ctx: RequestContext, study: string) {
  const actor = requireActor(ctx);
  const found = await findListedStudy(
    db,
    study,
    managesEvery(actor) ? null : studyViewer(ctx, 'read'),
  );
  if (!found) throw new DomainError('record.not_found', `No imported study is called ${study}.`);
  if (!managesEvery(actor) && found.owner_id !== actor.userId)
    throw new DomainError(
      'auth.forbidden',
      'Only the study’s owner or an administrator may change who its members are.',
    );
  return found;
}

const notEligible = (message: string) =>
  validationError([{ field: 'email', rule: 'eligible-member', message }]);

/** Lets a user into a study: they may then list it, report on it and import into it. */
export async function addMember(
  deps: Deps,
  ctx: RequestContext,
  a: { study: string; email: string },
): Promise<StudyAccess> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    const study = await managedStudy(trx, ctx, a.study);
    const user = await findUserByEmail(trx, a.email);
    // One answer for an unknown address, a disabled account and a role that reads no
    // studies, so the form is no way to learn which addresses have accounts.
    if (
      !user ||
      user.disabled_at !== null ||
      !isRole(user.role) ||
      !roleHasPermission(user.role, 'research.read')
    )
      throw notEligible('no active user who may read studies has this email address');
    if (user.id === study.owner_id) throw notEligible('is the study’s owner already');
    if (
      !roleHasPermission(user.role, 'patients.read') &&
      (await studyHasPatientLinks(trx, study.name))
    )
      throw notEligible(
        'this study’s subjects are linked to patient records, so only roles that may read patient records can be its members',
      );
    const added = await addStudyMember(trx, {
      study: study.name,
      user_id: user.id,
      added_by: ctx.actor?.userId ?? null,
      added_at: deps.clock.now().toISOString(),
    });
    if (added)
      audit({
        action: 'study.member.add',
        entityType: 'study',
        entityId: study.name,
        details: { userId: user.id },
      });
    const [entry] = await describe(trx, [study]);
    if (!entry) throw new Error('a study just read is gone');
    return entry;
  });
}

/** Takes a member out of a study (removing one who is not a member changes nothing). */
export async function removeMember(
  deps: Deps,
  ctx: RequestContext,
  a: { study: string; userId: string },
): Promise<StudyAccess> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    const study = await managedStudy(trx, ctx, a.study);
    if (await removeStudyMember(trx, study.name, a.userId))
      audit({
        action: 'study.member.remove',
        entityType: 'study',
        entityId: study.name,
        details: { userId: a.userId },
      });
    const [entry] = await describe(trx, [study]);
    if (!entry) throw new Error('a study just read is gone');
    return entry;
  });
}
