import { networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * The first non-internal IPv4 address of this machine, else 127.0.0.1: what other hosts can most
 * likely reach us on when nothing better was configured. @internal
 */
export function firstExternalIPv4(interfaces: Interfaces = networkInterfaces()): string {
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      // Node 18.0–18.3 reported family as a number; accept both.
      const family: unknown = address.family;
      if (!address.internal && (family === 'IPv4' || family === 4)) return address.address;
    }
  }
  return '127.0.0.1';
}
