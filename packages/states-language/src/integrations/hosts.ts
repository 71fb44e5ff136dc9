/**
 * Which hosts `http:invoke` may reach: the operator's list of host names (`api.github.com`, `*.example.com`) and
 * networks (`10.0.0.0/8`, `127.0.0.1/32`, `::1/128`); no list, any host. A name is checked as written and each
 * address it resolves to against the networks, at connect time (no second lookup an attacker's DNS could change).
 */
import { BlockList, isIP } from 'node:net';

export interface HostPolicy {
  /** Whether a connection to `address` (resolved from `hostname`) is allowed. */
  allows(hostname: string, address: string): boolean;
  readonly any: boolean;
}

export function hostPolicy(entries: readonly string[] | undefined): HostPolicy {
  if (!entries) return { any: true, allows: () => true };
  const names: string[] = [];
  const networks = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) names.push(entry);
    else {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128))
        throw new Error(`STATES_HTTP_ALLOWED_HOSTS: '${raw}' is not a network`);
      networks.addSubnet(address, prefix, type);
    }
  }
  const nameAllowed = (hostname: string) => names.some((n) => (n.startsWith('*.') ? hostname.endsWith(n.slice(1)) : hostname === n));
  return {
    any: false,
    allows(hostname, address) {
      if (nameAllowed(hostname.toLowerCase())) return true;
      const family = isIP(address);
      return family !== 0 && networks.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
