// Features of the ExposedAPI a VirtualService cannot express. They must be reported
// (condition and Event), never silently dropped. Read from the raw spec, leniently:
// an oddly typed field is validation's business, not a reason to hide a policy.

import { isRecord } from './validate.js';

/** Names of the requested features the Istio operator does not enforce, in spec order. */
export function unenforcedFeatures(spec: Record<string, unknown>): string[] {
  const enabled = (v: unknown, key: string): boolean => isRecord(v) && v[key] === true;
  const found: string[] = [];
  if (enabled(spec.rateLimit, 'enabled')) found.push('rateLimit');
  if (enabled(spec.apiKeyVerification, 'enabled')) found.push('apiKeyVerification');
  // A quota only limits anything once it has a limit.
  const quota = spec.quota;
  if (isRecord(quota) && quota.limit !== undefined && quota.limit !== null && quota.limit !== '') found.push('quota');
  if (enabled(spec.OASValidation, 'requestEnabled') || enabled(spec.OASValidation, 'responseEnabled')) {
    found.push('OASValidation');
  }
  if (typeof spec.template === 'string' && spec.template.trim() !== '') found.push('template');
  return found;
}
