import { CLASSIFICATIONS, type Classification, type Security } from '../peering/model.js';

/** What an object or a file carries that a connection's security bounds (reference §3.7). */
export interface Labels {
  classification: Classification;
  markings: string[];
}

/**
 * Why a resource may not cross a connection with `security` (R22), or undefined when it may: its
 * classification must be at most the connection's and every marking must be among the
 * connection's markings.
 */
export function securityRefusal(labels: Labels, security: Security): string | undefined {
  const rank = (c: Classification) => CLASSIFICATIONS.indexOf(c);
  if (rank(labels.classification) > rank(security.classification))
    return `classification ${labels.classification} is above the connection's ${security.classification}`;
  const outside = labels.markings.filter((marking) => !security.markings.includes(marking));
  if (outside.length > 0)
    return `marking${outside.length > 1 ? 's' : ''} ${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} not allowed on the connection`;
  return undefined;
}
