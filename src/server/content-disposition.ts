/** A header's parameters as read: lower-cased name, value unquoted (undefined: the name alone). */
export type HeaderParams = [name: string, value: string | undefined][];

/** A `filename*` (RFC 5987 ext-value) read: its decoded name, or why it could not be read. */
export type ExtendedValue = { ok: true; value: string } | { ok: false; raw: string; reason: string };

/** What a part's Content-Disposition says (RFC 7578 §4.2, RFC 6266). */
export interface ContentDisposition {
  /** The disposition type, lower-cased (`form-data` for a form's parts). */
  type: string;
  name: string | undefined;
  /** `filename`, unquoted (a token or a quoted-string). */
  filename: string | undefined;
  /** `filename*`, decoded. */
  filenameStar: ExtendedValue | undefined;
  /** Parameters given twice with different values (`filename`, `filename*`, `name`). */
  repeated: string[];
}

/**
 * Reads a Content-Disposition value: `form-data; name="files"; filename="…"; filename*=UTF-8''…`. A
 * quoted-string's backslash escapes `"` and `\`; any other backslash is kept (Windows paths sent
 * unescaped by old clients, as busboy keeps them). Parameter names are case-insensitive.
 */
export function parseContentDisposition(value: string): ContentDisposition {
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params = semicolon === -1 ? [] : parseHeaderParams(value.slice(semicolon + 1));
  const seen = new Map<string, string | undefined>();
  const repeated: string[] = [];
  for (const [name, param] of params) {
    if (!seen.has(name)) seen.set(name, param);
    else if (seen.get(name) !== param && !repeated.includes(name)) repeated.push(name);
  }
  const star = seen.get('filename*');
  return {
    type,
    name: seen.get('name'),
    filename: seen.get('filename'),
    filenameStar: star === undefined ? undefined : decodeExtendedValue(star),
    repeated: repeated.filter((name) => ['name', 'filename', 'filename*'].includes(name)),
  };
}

/** The `; name=value` parameters of a header (after its first value), as tokens or quoted-strings. */
export function parseHeaderParams(text: string): HeaderParams {
  const params: HeaderParams = [];
  let at = 0;
  while (at < text.length) {
    while (at < text.length && (text[at] === ';' || /\s/.test(text[at]!))) at++;
    if (at >= text.length) break;
    const end = indexOrEnd(text, /[=;]/g, at);
    const name = text.slice(at, end).trim().toLowerCase();
    at = end;
    if (text[at] !== '=') {
      if (name) params.push([name, undefined]);
      continue;
    }
    at++;
    while (at < text.length && /[ \t]/.test(text[at]!)) at++;
    let value: string;
    if (text[at] === '"') {
      value = '';
      at++;
      while (at < text.length && text[at] !== '"') {
        if (text[at] === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\')) at++;
        value += text[at];
        at++;
      }
      // Whatever follows the closing quote up to the next `;` is not the value.
      at = indexOrEnd(text, /;/g, at);
    } else {
      const end = indexOrEnd(text, /;/g, at);
      value = text.slice(at, end).trim();
      at = end;
    }
    if (name) params.push([name, value]);
  }
  return params;
}

function indexOrEnd(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? match.index : text.length;
}

const CHARSETS: Record<string, string> = { 'utf-8': 'utf-8', 'iso-8859-1': 'latin1', 'us-ascii': 'latin1' };

/**
 * An RFC 5987 ext-value, `charset'language'percent-encoded` (UTF-8 and ISO-8859-1, as the RFC requires; a
 * byte that is not UTF-8 becomes U+FFFD, which the upload then refuses as a name not in UTF-8).
 */
export function decodeExtendedValue(raw: string): ExtendedValue {
  const match = /^([^']*)'([^']*)'(.*)$/s.exec(raw);
  if (!match)
    return { ok: false, raw, reason: "it is not charset'language'name (UTF-8''<the name percent-encoded>)" };
  const charset = match[1]!.trim().toLowerCase();
  const encoding = CHARSETS[charset];
  if (!encoding) return { ok: false, raw, reason: `its charset '${match[1]}' is not UTF-8 or ISO-8859-1` };
  const bytes: number[] = [];
  const text = match[3]!;
  for (let at = 0; at < text.length; at++) {
    const hex = text.slice(at + 1, at + 3);
    if (text[at] === '%' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      at += 2;
    } else {
      // Not percent-encoded as it should be: read as written.
      bytes.push(...Buffer.from(text[at]!, 'utf8'));
      if (text.codePointAt(at)! > 0xffff) at++;
    }
  }
  const value =
    encoding === 'utf-8'
      ? new TextDecoder().decode(new Uint8Array(bytes))
      : Buffer.from(bytes).toString('latin1');
  return { ok: true, value };
}
