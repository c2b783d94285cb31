/** Longest name kept, in UTF-16 units: file-systems allow 255 bytes, and the name is only ever shown. */
const MAX_NAME = 200;

/**
 * The client's filename as the API keeps it: the name alone, never a path. Whatever came before the last `/`
 * or `\` is dropped (`../../etc/passwd.pdf`, `C:\drop\x.pdf`), control and format characters (bidi overrides,
 * zero-width) are removed, control characters (DEL, escapes, line breaks) become spaces, whitespace is collapsed and the text put in NFC, as the CLI reads
 * macOS names. The result is parsed for the expediente and name and shown back; the stored file's name is
 * derived from it (see UploadStore.storedPath), so nothing the client wrote is ever a path on this server.
 */
export function sanitizeUploadName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // A control character or line break between two words stands for a separator: dropped outright it
    // joined them (`RIOS\x01CORONADO` read as the surname RIOSCORONADO). Invisible format characters go.
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    // A name of dots alone (`..`) is a path, not a name.
    .replace(/^\.+$/, '');
  if (cleaned.length <= MAX_NAME) return cleaned;
  // Keep the extension: it decides whether the file is taken as a PDF.
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, MAX_NAME - extension.length) + extension;
}
