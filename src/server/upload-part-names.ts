import { parseContentDisposition, parseHeaderParams } from './content-disposition.js';
import {
  createPartHeaderScanner,
  type PartHeaderScanner,
  type ScannedPartHeader,
} from './multipart-part-headers.js';
import { choosePartName, type PartName } from './upload-part-name.js';

/** The subset of a request's body this needs: its chunks as they arrive. */
export interface ArrivingBody {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/** What busboy says of a part: its field name and, for a file, the filename it read. */
export interface ParsedPart {
  type: 'file' | 'field';
  fieldname: string;
  filename?: string | undefined;
}

export interface PartNamesOptions {
  /** Longest header block read (a part's headers are a few hundred bytes). */
  maxHeaderBytes: number;
  /** Most header blocks kept waiting for their parts (the multipart parser refuses more parts than its limit). */
  maxParts: number;
}

export interface PartNames {
  /** The name of the request's next part, which busboy reads as `part`. Called for every part, in order. */
  nameOf(part: ParsedPart): PartName;
  /** Stops reading the body. */
  stop(): void;
}

/**
 * Reads each part's own Content-Disposition from the request's body, beside busboy, which keeps only one of a
 * part's two names (`filename` and `filename*`, RFC 6266), and not always the right one. Must be called right
 * after the multipart parser is piped the body (its 'data' listener then sees each chunk after the parser
 * did, and before the route reads the parts it made of it). Busboy's parts are matched to the header blocks
 * read here by their order, each checked against the other (same field name, busboy's filename one of the
 * block's two); a part that cannot be matched is refused as unreadable, and so is every file after it, as
 * their order can no longer be trusted.
 */
export function readPartNames(
  body: ArrivingBody,
  contentType: string | undefined,
  options: PartNamesOptions,
): PartNames {
  const waiting: ScannedPartHeader[] = [];
  let scanned = 0;
  let lost = false; // headers that could not be read or matched: no later part's name is known
  const boundary = boundaryOf(contentType);
  const scanner: PartHeaderScanner | null = boundary
    ? createPartHeaderScanner(boundary, { maxHeaderBytes: options.maxHeaderBytes })
    : null;
  const onData = (chunk: Buffer) => {
    try {
      for (const header of scanner!.push(chunk)) {
        if (++scanned > options.maxParts) return stop();
        waiting.push(header);
      }
    } catch {
      // Never fail the upload for the reading of its names: its parts are refused as unreadable instead.
      lost = true;
      stop();
    }
  };
  const stop = () => body.off('data', onData);
  if (scanner) body.on('data', onData);
  else lost = true;

  return {
    stop,
    nameOf(part) {
      const header = lost ? undefined : nextHeader(waiting);
      const disposition =
        header && 'contentDisposition' in header
          ? parseContentDisposition(header.contentDisposition!)
          : undefined;
      if (!disposition || !matches(disposition, part)) {
        lost = true;
        return unreadable(part);
      }
      return part.type === 'file' ? choosePartName(disposition) : { ok: true, filename: undefined };
    },
  };
}

/** The next header block busboy made a part of: it skips a part without a form-data Content-Disposition. */
function nextHeader(waiting: ScannedPartHeader[]): ScannedPartHeader | undefined {
  for (let header = waiting.shift(); header; header = waiting.shift()) {
    if (!('contentDisposition' in header)) return header;
    if (header.contentDisposition === undefined) continue;
    if (parseContentDisposition(header.contentDisposition).type === 'form-data') return header;
  }
  return undefined;
}

/** Whether busboy's part is the one this Content-Disposition heads (compared as busboy reads names). */
function matches(disposition: ReturnType<typeof parseContentDisposition>, part: ParsedPart): boolean {
  if (squash(disposition.name) !== squash(part.fieldname)) return false;
  const star = disposition.filenameStar;
  if (part.filename === undefined) return disposition.filename === undefined && star === undefined;
  if (star && !star.ok) return true; // refused anyway, for its filename* alone
  const read = squash(part.filename);
  return [disposition.filename, star?.value].some(
    (name) => name !== undefined && squash(basename(name)) === read,
  );
}

function unreadable(part: ParsedPart): PartName {
  return {
    ok: false,
    filename: part.filename || '(no name)',
    message:
      "the server could not read this part's filename from its Content-Disposition, so it cannot tell whose " +
      'document it is: nothing of it was taken; send it again as a plain multipart form (curl -F, FormData)',
  };
}

/** busboy drops the spaces outside quotes of a header's parameters: names are compared without them. */
function squash(text: string | undefined): string | undefined {
  return text?.replace(/\s+/g, '');
}

/** busboy's basename: the text after the last `/` or `\`, and nothing for `.` and `..`. */
function basename(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return base === '.' || base === '..' ? '' : base;
}

/** The boundary of a multipart Content-Type, as busboy reads it. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const semicolon = contentType?.indexOf(';') ?? -1;
  if (semicolon === -1) return undefined;
  const boundary = parseHeaderParams(contentType!.slice(semicolon + 1)).find(
    ([name]) => name === 'boundary',
  )?.[1];
  return boundary || undefined;
}
