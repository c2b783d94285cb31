/**
 * The blocking-key table holds about ten rows per patient — ten million at a million patients — so
 * its rows are two integers rather than two strings: a 53-bit hash of the key and the expediente
 * encoded as a number. That halves the table and makes a million-patient import several times
 * faster. A hash collision only adds a spurious candidate, which the matcher scores and discards.
 */

/** 53-bit hash (two independent 32-bit FNV-1a variants), safe as a JS number and a SQL bigint. */
export function hashBlockingKey(key: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

const TEN_TO_12 = 1_000_000_000_000;

/**
 * An expediente (8–12 digits, leading zeros significant) as an integer: its length times 10^12 plus
 * its value, so `00012345` and `12345678` stay distinct. Below 2^53.
 */
export function encodeExpediente(expediente: string): number {
  return expediente.length * TEN_TO_12 + Number(expediente);
}

export function decodeExpediente(code: number | string | bigint): string {
  const value = Number(code);
  const length = Math.floor(value / TEN_TO_12);
  return String(value - length * TEN_TO_12).padStart(length, '0');
}
