import type { Kysely } from 'kysely';
import {
  findStudy,
  findStudyFor,
  type StudyViewer,
} from '../../db/repositories/import.repository.js';
import type { DB } from '../../db/schema.js';
import { roleHasPermission } from '../../domain/auth/permissions.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { RequestContext } from '../deps.js';

/**
 * Who is asking, as the study queries need it (ADR 0026); null on the command line, which
 * sees every study. Roles that read patient records see studies without an owner (as
 * before owners existed) and, to read, studies linked to patients; importing into a linked
 * study needs the right to write patient records.
 */
export function studyViewer(ctx: RequestContext, purpose: 'read' | 'import'): StudyViewer | null {
  const actor = ctx.actor;
  if (!actor) return null;
  return {
    userId: actor.userId,
    readsOwnerless: roleHasPermission(actor.role, 'patients.read'),
    readsPatientLinked: roleHasPermission(
      actor.role,
      purpose === 'import' ? 'patients.write' : 'patients.read',
    ),
  };
}

/**
 * The one answer to an import into a study name the caller may not use, whatever the
 * reason (not a member, linked to patients, still being made by someone else's import):
 * it says the name is taken, which a unique name cannot hide, and nothing else about the
 * study (ADR 0026).
 */
export function studyNameTaken(study: string): DomainError {
  const message =
    'another study already has this name and you may not import into it; choose another study name, or ask the study’s owner to add you as a member';
  return new DomainError('study.name_taken', `Study ${study}: ${message}.`, [
    { field: 'mapping.study', rule: 'study-access', message },
  ]);
}

/**
 * An import into a study some of whose subjects are patients outside the caller's sites:
 * refused before the file is compared with anything stored, naming no subject.
 */
export function studyBeyondScope(study: string): DomainError {
  const message =
    'some of this study’s subjects are patients at sites you do not work at, so you may not import into it; ask someone who works at all of its sites';
  return new DomainError('study.name_taken', `Study ${study}: ${message}.`, [
    { field: 'mapping.study', rule: 'site-scope', message },
  ]);
}

/** Whether the viewer may import into the study: a name no study has is free to take. */
export async function mayImportInto(
  db: Kysely<DB>,
  study: string,
  viewer: StudyViewer | null,
): Promise<boolean> {
  if (!viewer || !(await findStudy(db, study))) return true;
  return (await findStudyFor(db, study, viewer)) !== undefined;
}
