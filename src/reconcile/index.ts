// The engine's public surface. Everything here is pure: no I/O, no clock, no randomness.

export type * from './types.js';
export * from './constants.js';
export type { ApiSpec, ApiType, BasicAuthSpec, CorsSpec, Segment, SecretKeyRef } from './spec.js';
export { API_TYPES, SEGMENTS } from './spec.js';
export { parseSpec, validateSpec, type SpecIssue } from './validate.js';
export { isDns1035Label, isDns1123Label, isDns1123Subdomain, isHost, isIPv4, isIPv6 } from './names.js';
export { policiesCondition, specFeatures, type PolicyFeature } from './policies.js';
export { planPolicies, policyRemovals, type PoliciesPlan } from './plan-policies.js';
export { desiredEnvoyFilter, envoyFilterFor, envoyFilterName, filterName, needsEnvoyFilter, routeName } from './envoyfilter.js';
export { desiredDestinationRule, destinationRuleMatches, implementationHost, mcpConnectTimeoutMs, targetsHost } from './destinationrule.js';
export { describeRate, rateLimitOf, type RateLimit } from './ratelimit.js';
export { buildUrl, gatewayAddress, urlHost, type ApiAddress, type GatewayAddress } from './url.js';
export { implementationReady } from './readiness.js';
export {
  gatewayServiceLabels,
  normaliseGateway,
  parseGatewaySetting,
  pickGatewayService,
  pickVirtualServiceVersion,
  type NamespacedName,
} from './gateway.js';
export { corsPolicy, type CorsPolicy } from './cors.js';
export { desiredVirtualService, routeHosts } from './virtualservice.js';
export { desiredServiceMonitor, isMetricsApi, parseMetricsMode, type Problem } from './metrics.js';
export { desiredPodAnnotations, podAnnotationPatch, type AnnotationMode } from './pod-annotations.js';
export { controlledBy, controlledByAnExposedAPI, controllerOf } from './ownership.js';
export { compareRoutes, findConflict, pathsCompete, prefixesOverlap, routeOfExposedAPI, routesHeld, routesOfHTTPRoute, routesOfVirtualService, routesOverlap, type RouteObjects } from './conflicts.js';
export { acceptanceOf, admittingListeners, gatewayApiAddress, parentRefFor, type Acceptance, type ParentRef } from './gateway-api.js';
export { desiredHTTPRoute, routeHostnames } from './httproute.js';
export { ingressFor, type Ingress, type IngressLookup } from './ingress.js';
export { RouteIndex } from './route-index.js';
export { childEvents, foldEvents, RECONCILED, type EventAction } from './events.js';
export { CONDITION_TYPES, conditionsFor, conditionsWith, transitionEvents, type ConditionInput, type ConditionType } from './conditions.js';
export { componentRollup, parentComponentName, type RollupEntry } from './component.js';
export { desiredApiStatus, desiredStatus, statusChanged } from './status.js';
export { childMatches } from './match.js';
export { componentEntryState, plannedChild, podsToAnnotate, statusDiffers, type ChildState } from './drift.js';
export { isReady, reconcile } from './engine.js';
export {
  buildSettings,
  DEFAULTS,
  gatewayError,
  metricsModeError,
  publicHostnameError,
  routerError,
  scrapeIntervalError,
  settingsFromEnv,
  timeoutError,
  type RawSettings,
} from './settings.js';
export { literalNamespaces, namespaceMatcher, parseNamespacePatterns } from './namespaces.js';
