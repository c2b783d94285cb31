/**
 * Network failures that say a server cannot be reached at all (as opposed to one request going wrong): the
 * connection is refused, the name does not resolve, the route is missing, or TLS cannot be set up. A
 * client library wraps the system error once or twice (`fetch failed` → cause; happy-eyeballs → an
 * AggregateError of attempts), so the whole chain is searched.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  // TLS: the server's certificate or protocol cannot be accepted; retrying changes nothing.
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What a person reads for each code. */
const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name cannot be resolved right now (DNS)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available',
  EPROTO: 'TLS could not be set up (is it an http:// server given as https://?)',
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name",
};

/** The code of the first unreachable-server failure in the error's chain, or null. */
export function unreachableCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown): string | null => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return null;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('ERR_SSL_'))) return code;
    // undici refuses ports browsers block (e.g. 9, 25) with a bare 'bad port'.
    if (value instanceof Error && value.message === 'bad port') return 'ERR_BAD_PORT';
    for (const inner of (value as { errors?: unknown }).errors instanceof Array
      ? (value as { errors: unknown[] }).errors
      : []) {
      const found = visit(inner);
      if (found) return found;
    }
    return visit((value as { cause?: unknown }).cause);
  };
  return visit(error);
}

/** Whether an unreachable-server code is TLS's: the certificate or the protocol, not the network. */
export function isTlsCode(code: string): boolean {
  return (
    code === 'EPROTO' ||
    code.includes('CERT') ||
    code.startsWith('ERR_SSL_') ||
    code.includes('VERIFY') ||
    code.includes('SIGNED')
  );
}

/** A short reason for an unreachable-server code, for a message. */
export function describeUnreachable(code: string): string {
  if (code === 'ERR_BAD_PORT') return 'the port is one that HTTP clients refuse to use';
  if (DESCRIPTIONS[code]) return DESCRIPTIONS[code];
  return code.includes('CERT') || code.startsWith('ERR_SSL_')
    ? `the server's TLS certificate is not trusted (${code})`
    : code;
}
