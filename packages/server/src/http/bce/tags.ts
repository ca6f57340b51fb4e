/** The BCE TagModel as bodies carry it, shared by every create that takes tags. */
import { Type } from '@sinclair/typebox';

export const Tags = Type.Optional(
  Type.Array(Type.Object({ tagKey: Type.String(), tagValue: Type.Optional(Type.String()) })),
);

/** Tags as the domain takes them: a missing value is an empty one. */
export function normalizeTags(tags: { tagKey: string; tagValue?: string }[] | undefined) {
  return tags?.map((tag) => ({ tagKey: tag.tagKey, tagValue: tag.tagValue ?? '' }));
}
