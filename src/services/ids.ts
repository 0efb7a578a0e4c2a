import { v7 as uuidv7 } from 'uuid';

/** Time-ordered UUIDv7 ids (docs/adr/0003-ids.md). */
export const newId = (): string => uuidv7();
