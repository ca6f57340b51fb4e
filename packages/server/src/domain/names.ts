import { badRequest } from './errors.js';

/**
 * Names follow the BCE console rule: start with a letter (Chinese included), then letters, digits and
 * `- _ / .`, 1 to 65 characters.
 */
const NAME = /^\p{L}[\p{L}\p{N}\-_/.]{0,64}$/u;
const TAG_KEY = /^[\p{L}\p{N}\-_/.]{1,65}$/u;
const TAG_VALUE = /^[\p{L}\p{N}\-_/.]{0,65}$/u;
export const DESCRIPTION_MAX = 200;

export interface Tag {
  tagKey: string;
  tagValue: string;
}

export function checkName(field: string, value: string): string {
  if (!NAME.test(value)) {
    throw badRequest(
      'InvalidName',
      `${field} must start with a letter and contain 1-65 letters, digits or "-_/." characters`,
    );
  }
  return value;
}

export function checkDescription(value: string | undefined): string {
  const text = value ?? '';
  if ([...text].length > DESCRIPTION_MAX) {
    throw badRequest('InvalidDescription', `description must be at most ${DESCRIPTION_MAX} characters`);
  }
  return text;
}

export function checkTags(tags: readonly Tag[] | undefined): Tag[] {
  const seen = new Set<string>();
  return (tags ?? []).map((tag) => {
    if (!TAG_KEY.test(tag.tagKey)) {
      throw badRequest(
        'InvalidTag',
        `tag key "${tag.tagKey}" must be 1-65 letters, digits or "-_/." characters`,
      );
    }
    if (!TAG_VALUE.test(tag.tagValue ?? '')) {
      throw badRequest(
        'InvalidTag',
        `tag value of "${tag.tagKey}" must be 0-65 letters, digits or "-_/." characters`,
      );
    }
    if (seen.has(tag.tagKey)) throw badRequest('InvalidTag', `tag key "${tag.tagKey}" appears twice`);
    seen.add(tag.tagKey);
    return { tagKey: tag.tagKey, tagValue: tag.tagValue ?? '' };
  });
}
