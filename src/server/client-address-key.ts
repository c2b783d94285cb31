import { isIPv6 } from 'node:net';

/**
 * The rate limits' key for a client address. An IPv4 address is itself (an IPv4-mapped IPv6 one, `::ffff:10.0.0.1`,
 * too); an IPv6 address is its /64 network, the block one host is given and may draw a fresh address from for
 * every call — keyed by the whole address, a client could try tokens without end by rotating its last 64 bits.
 */
export function clientAddressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  // An embedded IPv4 tail (`64:ff9b::10.0.0.1`) is two groups; only the first four groups are kept anyway.
  const groups = address.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}
