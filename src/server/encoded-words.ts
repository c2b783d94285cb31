const ENCODED_WORD = /^=\?([^?*]+)(?:\*[^?]*)?\?([bq])\?([^?]*)\?=$/i;
const CHARSETS: Record<string, 'utf8' | 'latin1'> = {
  'utf-8': 'utf8',
  'iso-8859-1': 'latin1',
  'us-ascii': 'latin1',
};

/**
 * The text of one or more RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`), as .NET writes a
 * non-ASCII `filename` (beside its `filename*`): undefined when `text` is not wholly encoded words in
 * UTF-8 or ISO-8859-1. The space between two encoded words is not part of the text (RFC 2047 §6.2).
 */
export function decodeEncodedWords(text: string): string | undefined {
  const words = text.trim().split(/\s+/);
  let decoded = '';
  for (const word of words) {
    const match = ENCODED_WORD.exec(word);
    const charset = match && CHARSETS[match[1]!.toLowerCase()];
    if (!match || !charset) return undefined;
    const data = match[3]!;
    let bytes: Buffer;
    if (match[2]!.toLowerCase() === 'b') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return undefined;
      bytes = Buffer.from(data, 'base64');
    } else {
      const out: number[] = [];
      for (let at = 0; at < data.length; at++) {
        const hex = data.slice(at + 1, at + 3);
        if (data[at] === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
          out.push(parseInt(hex, 16));
          at += 2;
        } else out.push(data[at] === '_' ? 0x20 : data.charCodeAt(at) & 0xff);
      }
      bytes = Buffer.from(out);
    }
    decoded += charset === 'utf8' ? new TextDecoder().decode(bytes) : bytes.toString('latin1');
  }
  return decoded;
}
