/** One part's header block as the scanner read it, in the order the parts came. */
export type ScannedPartHeader =
  /** The block's first Content-Disposition value (undefined: the block has none), read as UTF-8. */
  | { contentDisposition: string | undefined }
  /** The block was longer than `maxHeaderBytes`: its headers were not kept. */
  | { tooLong: true };

export interface PartHeaderScannerOptions {
  /** Longest header block kept; a longer one is reported as `tooLong`. */
  maxHeaderBytes: number;
}

export interface PartHeaderScanner {
  /** Feeds the next bytes of the body; returns the header blocks those bytes completed. */
  push(chunk: Uint8Array): ScannedPartHeader[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const DASH = 0x2d;

/**
 * Reads the header blocks of a multipart/form-data body fed in chunks cut anywhere, the way busboy's parser
 * (Dicer) splits it, so that its parts and these blocks line up one for one: the body is cut at each
 * `\r\n--boundary` (the first delimiter may open the body, as if a CRLF preceded it; what comes before it is
 * a preamble), a delimiter followed by `--` ends the form, and a part's headers run up to the first
 * `\r\n\r\n` — a part whose headers the next delimiter cuts short is no part, as for busboy. The body bytes
 * themselves are skipped, never copied.
 */
export function createPartHeaderScanner(
  boundary: string,
  options: PartHeaderScannerOptions,
): PartHeaderScanner {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let held: Buffer = CRLF; // the virtual CRLF before the first delimiter
  let state = 'preamble' as 'preamble' | 'after-delimiter' | 'header' | 'body' | 'done';
  // Read through a function: the callbacks change it where TypeScript's narrowing cannot see.
  const done = () => state === 'done';
  let lead: number[] = []; // the bytes after a delimiter, until they tell `--` from a part
  let block: Buffer = Buffer.alloc(0); // the header block so far (its last 3 bytes alone once too long)
  let blockBytes = 0;
  let tooLong = false;
  let found: ScannedPartHeader[] = [];

  const onHeaderBytes = (bytes: Uint8Array) => {
    // A terminator may have begun in the block's last 3 bytes.
    const tail = block.subarray(-3);
    const at = Buffer.concat([tail, bytes]).indexOf(HEADER_END);
    const taken = at === -1 ? bytes : bytes.subarray(0, at + HEADER_END.length - tail.length);
    blockBytes += taken.length;
    if (blockBytes > options.maxHeaderBytes) tooLong = true;
    block = Buffer.concat([block, taken]);
    if (tooLong) block = block.subarray(-3);
    if (at === -1) return;
    found.push(tooLong ? { tooLong: true } : { contentDisposition: contentDisposition(block) });
    state = 'body';
  };

  const startPart = (bytes: Uint8Array) => {
    state = 'header';
    block = Buffer.alloc(0);
    blockBytes = 0;
    tooLong = false;
    onHeaderBytes(bytes);
  };

  const onData = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    if (state === 'after-delimiter') {
      const needed = 2 - lead.length;
      lead.push(...bytes.subarray(0, needed));
      if (lead.length < 2) return;
      if (lead[0] === DASH && lead[1] === DASH) {
        state = 'done';
        return;
      }
      startPart(Buffer.concat([Buffer.from(lead), bytes.subarray(needed)]));
    } else if (state === 'header') onHeaderBytes(bytes);
    // preamble, body, done: skipped
  };

  const onDelimiter = () => {
    if (state === 'done') return;
    // A part whose headers were cut short by the delimiter is dropped, as busboy drops it.
    state = 'after-delimiter';
    lead = [];
  };

  return {
    push(chunk) {
      found = [];
      if (state === 'done' || chunk.length === 0) return found;
      const bytes = held.length ? Buffer.concat([held, chunk]) : Buffer.from(chunk);
      let from = 0;
      for (let at = bytes.indexOf(delimiter, from); at !== -1; at = bytes.indexOf(delimiter, from)) {
        onData(bytes.subarray(from, at));
        onDelimiter();
        from = at + delimiter.length;
        if (done()) break;
      }
      // Bytes that may begin a delimiter finished by the next chunk wait for it.
      const keep = done() ? 0 : partialDelimiter(bytes, from, delimiter);
      onData(bytes.subarray(from, bytes.length - keep));
      held = Buffer.from(bytes.subarray(bytes.length - keep));
      return found;
    },
  };
}

/** How many of the last bytes of `bytes` (from `from` on) are the start of `delimiter`. */
function partialDelimiter(bytes: Buffer, from: number, delimiter: Buffer): number {
  for (let length = Math.min(delimiter.length - 1, bytes.length - from); length > 0; length--) {
    if (bytes.subarray(bytes.length - length).equals(delimiter.subarray(0, length))) return length;
  }
  return 0;
}

/**
 * The first Content-Disposition of a header block, read line by line as busboy reads it: empty lines
 * skipped, a line starting with a space or tab continues the previous header, one space or tab after the
 * colon dropped, and reading stops at a line with a bare CR or LF or without a colon.
 */
function contentDisposition(block: Buffer): string | undefined {
  const text = new TextDecoder().decode(block);
  const headers: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    if (/[\r\n]/.test(line)) break;
    if ((line[0] === ' ' || line[0] === '\t') && headers.length) {
      headers[headers.length - 1]![1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) break;
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \t]/, '')]);
  }
  return headers.find(([name]) => name === 'content-disposition')?.[1];
}
