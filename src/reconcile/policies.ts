// What the API asks its gateway to enforce, feature by feature: enforced (and by what),
// or not enforced and why. One truth for the PoliciesEnforced condition and for the
// `status NAME` walk. Features no standard Istio resource can enforce are said precisely
// here, never silently dropped.

import type { ConditionInput } from './conditions.js';
import type { Settings } from './types.js';
import { isRecord } from './validate.js';

export interface PolicyFeature {
  /** The spec field (or what it stands for), e.g. `rateLimit`, `quota`, `apiType mcp`. */
  feature: string;
  enforced: boolean;
  /** By what, or why not. */
  detail: string;
  /** Not enforced because nothing standard (or nothing configured) can: no operator action would fix it. */
  byDesign?: true;
}

const enabled = (v: unknown, key: string): boolean => isRecord(v) && v[key] === true;

export const NOT_ENFORCEABLE = {
  quota:
    'no standard Istio resource keeps a request count per identifier over a period; a local rate limit refills, a quota needs a shared counter (a global rate limit service)',
  OASValidation: 'Istio has no filter that validates requests or responses against an OpenAPI document',
  template: 'a template names a gateway-specific policy bundle (Kong or APISIX plugins); Istio has no equivalent resource',
  apiKeyVerification:
    'no JWT issuer and JWKS URI are configured (--jwt-issuer and --jwks-uri, or APIOPERATORISTIO_JWT_ISSUER and APIOPERATORISTIO_JWKS_URI), so requests are not checked',
} as const;

/**
 * The features whose fate does not depend on the cluster: CORS (the route's: the
 * VirtualService's corsPolicy or the HTTPRoute's CORS filter), those nothing standard enforces, and apiKeyVerification as when no JWT
 * issuer is configured (plan-policies.ts takes it over when one is). Read from the raw spec, leniently,
 * so a request is reported even when oddly typed (validation's business, not a reason to hide a policy).
 */
export function specFeatures(raw: Record<string, unknown>, settings: Pick<Settings, 'router'> = {}): PolicyFeature[] {
  const found: PolicyFeature[] = [];
  const cors = settings.router === 'httproute' ? "by the HTTPRoute's CORS filter" : "by the VirtualService's corsPolicy";
  if (enabled(raw.CORS, 'enabled')) found.push({ feature: 'CORS', enforced: true, detail: cors });
  if (enabled(raw.apiKeyVerification, 'enabled')) found.push({ feature: 'apiKeyVerification', enforced: false, detail: NOT_ENFORCEABLE.apiKeyVerification, byDesign: true });
  const quota = raw.quota;
  if (isRecord(quota) && quota.limit !== undefined && quota.limit !== null && quota.limit !== '') {
    found.push({ feature: 'quota', enforced: false, detail: NOT_ENFORCEABLE.quota, byDesign: true });
  }
  if (enabled(raw.OASValidation, 'requestEnabled') || enabled(raw.OASValidation, 'responseEnabled')) {
    found.push({ feature: 'OASValidation', enforced: false, detail: NOT_ENFORCEABLE.OASValidation, byDesign: true });
  }
  if (typeof raw.template === 'string' && raw.template.trim() !== '') found.push({ feature: 'template', enforced: false, detail: NOT_ENFORCEABLE.template, byDesign: true });
  return found;
}

/**
 * The Canvas timeouts an MCP route cannot take from Istio's standard resources, as features
 * not enforced. API_CONNECT_TIMEOUT is the DestinationRule's (plan-destinationrule.ts).
 */
export function timeoutFeatures(settings: Pick<Settings, 'timeouts'>): PolicyFeature[] {
  const t = settings.timeouts ?? {};
  const found: PolicyFeature[] = [];
  if (t.writeMs !== undefined) found.push({ feature: 'API_WRITE_TIMEOUT', enforced: false, detail: 'Envoy has no per-route write timeout', byDesign: true });
  return found;
}

const line = (f: PolicyFeature) => `${f.feature} (${f.detail})`;

/** PoliciesEnforced: False while any requested feature is not enforced, naming each with why; True lists what enforces the rest. */
export function policiesCondition(features: readonly PolicyFeature[], failure?: { reason: string }): ConditionInput {
  const type = 'PoliciesEnforced';
  const not = features.filter((f) => !f.enforced);
  const done = features.filter((f) => f.enforced);
  const enforcedText = done.length > 0 ? `enforced: ${done.map(line).join('; ')}` : '';
  if (not.length === 0) {
    return { type, status: 'True', reason: 'AllEnforced', message: enforcedText || 'every requested policy is enforced' };
  }
  const message = [`not enforced: ${not.map(line).join('; ')}`, enforcedText].filter(Boolean).join('. ');
  return { type, status: 'False', reason: failure?.reason ?? 'NotEnforced', message };
}
