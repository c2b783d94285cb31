/**
 * Longest name taken, in UTF-16 units: file-systems allow 255 bytes. A longer one is refused, never cut: cut, it
 * lost its end, where the document's type is.
 */
export const MAX_UPLOAD_NAME = 200;

/**
 * The client's filename as the API keeps it: the name alone, never a path. Whatever came before the last `/`
 * or `\` is dropped (`../../etc/passwd.pdf`, `C:\drop\x.pdf`), control and format characters (bidi overrides,
 * zero-width) are removed, control characters (DEL, escapes, line breaks) become spaces, whitespace is collapsed and the text put in NFC, as the CLI reads
 * macOS names (no length limit: see uploadNameTooLong). The result is parsed for the expediente and name and shown back; the stored file's name is
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
  return cleaned;
}

/** Why a name longer than MAX_UPLOAD_NAME is refused (null: it is not). */
export function uploadNameTooLong(name: string): string | null {
  if (name.length <= MAX_UPLOAD_NAME) return null;
  return (
    `the filename is too long: ${name.length} characters, over the limit of ${MAX_UPLOAD_NAME}; ` +
    'it is not cut, as cut it would lose its end (the document type): send it under a shorter name'
  );
}
