// Syntax checks for Kubernetes names and network addresses, shared by spec validation
// and settings validation. Lower case only, as the API server itself requires.

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Service name: starts with a letter, at most 63 characters. */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}

/** A namespace name. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** Most object names, and DNS host names. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every(isDns1123Label);
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** RFC 4291 text form: eight groups, one `::`, optional trailing dotted IPv4; no zone id. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const groups = [...groupsOf(halves[0]), ...(halves.length === 2 ? groupsOf(halves[1]) : [])];
  let units = 0;
  for (const [i, g] of groups.entries()) {
    // A dotted IPv4 part may only end the address (it fills two groups).
    if (g.includes('.')) {
      if (i !== groups.length - 1 || s.endsWith(':') || !isIPv4(g)) return false;
      units += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      units += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? units <= 7 : units === 8;
}

/** A host for a URL or VirtualService: DNS name (optionally `*.` wildcard), IPv4 or IPv6. */
export function isHost(s: string): boolean {
  if (isIPv4(s) || isIPv6(s)) return true;
  return isDns1123Subdomain(s.startsWith('*.') ? s.slice(2) : s);
}
