import { Type, type Static } from 'typebox';
import { Timestamp } from './common.contract.js';

export const SiteDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Timestamp,
});
export const SiteList = Type.Object({
  sites: Type.Array(SiteDto),
  limited: Type.Boolean({
    description: 'true when the caller is limited to the sites listed (their own)',
  }),
});
export type SiteList = Static<typeof SiteList>;
export const CreateSiteBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 80 }) },
  { additionalProperties: false },
);
