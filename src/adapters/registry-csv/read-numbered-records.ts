import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import type { TransformCallback } from 'node:stream';
import { Parser, type CsvError, type Options } from 'csv-parse';

/** A record of the CSV with the line it ends on, or a record the parser could not read. */
export type NumberedRecord = { record: string[]; line: number } | { skipped: string; line: number };

/**
 * csv-parse, keeping for every record the line it ends on. Its `info: true` option copies a dozen-field
 * object per record (at a million rows it cost more than the parsing), and its line count takes a CRLF
 * inside a quoted field for two lines. The line is counted here instead, from the byte offset at which
 * the parser hands the record over. Unreadable records go in the same queue, so rejections keep file order.
 */
class NumberingParser extends Parser {
  queue: NumberedRecord[] = [];
  private readonly lines = new LineBreakCounter();

  constructor(options: Options) {
    super(options);
    this.on('skip', (error: CsvError) =>
      // The parser's offset is still at the last field it finished, on the line being read.
      this.queue.push({
        skipped: describeCsvError(error),
        line: this.lines.breaksBefore(this.info.bytes) + 1,
      }),
    );
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    this.lines.add(chunk);
    super._transform(chunk, encoding, callback);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    // The offset is past the record's line break, if it has one (the last line may not).
    const breaks = this.lines.breaksBefore(this.info.bytes);
    this.queue.push({ record: record as string[], line: this.lines.endsWithBreak() ? breaks : breaks + 1 });
    return true;
  }
}

/**
 * What the parser could not read, in words a person fixes the file by (csv-parse's own, "Quote Not Closed: the
 * parsing is finished with an opening quote at line 5", name neither the cause nor the cost).
 */
function describeCsvError(error: CsvError): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return (
      'a quote (") opens a field on this line and is never closed, so the lines after it were read into that field ' +
      'and none of them was imported; close or remove the quote and import again'
    );
  }
  return error.message;
}

const LF = 0x0a;
const CR = 0x0d;

/** Line breaks (LF, CRLF or a lone CR) among the first N bytes of a stream, N growing. */
class LineBreakCounter {
  private chunks: Buffer[] = [];
  /** Offset of chunks[0] in the stream, and how far into it the bytes are counted. */
  private chunkOffset = 0;
  private index = 0;
  private breaks = 0;
  private lastByte = -1;

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  breaksBefore(offset: number): number {
    while (this.chunks.length > 0 && this.chunkOffset + this.index < offset) {
      const chunk = this.chunks[0]!;
      const end = Math.min(chunk.length, offset - this.chunkOffset);
      for (let i = this.index; i < end; i++) {
        const c = chunk[i]!;
        if (c === LF || (c === CR && (i + 1 < chunk.length ? chunk[i + 1] : this.chunks[1]?.[0]) !== LF)) {
          this.breaks++;
        }
      }
      this.lastByte = chunk[end - 1] ?? this.lastByte;
      this.index = end;
      if (end === chunk.length) {
        this.chunks.shift();
        this.chunkOffset += chunk.length;
        this.index = 0;
      }
    }
    return this.breaks;
  }

  /** Whether the last byte counted is a line break. */
  endsWithBreak(): boolean {
    return this.lastByte === LF || this.lastByte === CR;
  }
}

/** The encodings a registry CSV may be read in. Excel's "CSV" is Windows-1252 on Spanish-language Windows. */
export const CSV_ENCODINGS = ['utf-8', 'latin1', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/**
 * The file is not in the encoding it is read in. `line` is where the first offending bytes are; `likely` is
 * the encoding the file appears to be in instead.
 */
export class CsvEncodingError extends Error {
  constructor(
    readonly line: number,
    readonly likely: 'windows-1252' | 'utf-8' | 'utf-16',
  ) {
    super(`the file is not in the encoding it was read in (line ${line}; it looks like ${likely})`);
    this.name = 'CsvEncodingError';
  }
}

/**
 * The records of a CSV file in arrays of a few hundred, as the file is read. UTF-8 (the default) is checked
 * as it is read: the first bytes that are not UTF-8 throw CsvEncodingError, rather than reaching the registry
 * as U+FFFD. `latin1` and `windows-1252` are decoded with the WHATWG decoder (for which `latin1` *is*
 * windows-1252: the same letters, and € ‘ ’ … where ISO-8859-1 has control characters) and handed to the
 * parser as UTF-8; a file that turns out to be valid UTF-8 with accents throws too, since decoding it as
 * Windows-1252 would store 'PEÃ‘A'.
 */
export async function* readNumberedRecords(
  file: string,
  options: { encoding?: CsvEncoding } = {},
): AsyncGenerator<NumberedRecord[]> {
  let parser: NumberingParser | null = null;
  let failure: unknown;
  // Made on the first bytes, whose header line tells the separator.
  const parserFor = (first: Buffer): NumberingParser => {
    if (parser) return parser;
    parser = new NumberingParser({
      bom: true,
      delimiter: sniffDelimiter(first),
      relax_column_count: true,
      skip_empty_lines: true,
      // Excel writes a blank row inside the sheet's range as ',,,,,': no row at all, not one with no expediente.
      skip_records_with_empty_values: true,
      skip_records_with_error: true,
      // A quote after the start of a field (`"GARZA" X`, `GAR"ZA`) is taken as it is: refused, it left the parser
      // inside a quoted field, and the next, valid row was lost with it. The name check then rejects that row alone.
      relax_quotes: true,
    });
    parser.on('error', (error) => (failure ??= error));
    return parser;
  };
  const take = () => {
    if (failure) throw failure;
    if (!parser) return [];
    const records = parser.queue;
    parser.queue = [];
    return records;
  };
  const encoding = options.encoding ?? 'utf-8';
  const check = new EncodingCheck();
  // WHATWG names: 'latin1' is a label of windows-1252 there.
  const legacy = encoding === 'utf-8' ? null : new TextDecoder('windows-1252');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    const utf8 = check.add(chunk);
    if (legacy) {
      parserFor(chunk).write(Buffer.from(legacy.decode(chunk, { stream: true }), 'utf8'));
    } else {
      if (!utf8)
        throw new CsvEncodingError(check.badLine, isUtf16Bom(check.first) ? 'utf-16' : 'windows-1252');
      parserFor(chunk).write(chunk); // parses synchronously: nothing is pushed downstream, so there is no backpressure
    }
    yield take();
  }
  const last = parserFor(Buffer.alloc(0));
  if (legacy) {
    const rest = legacy.decode();
    if (rest) last.write(Buffer.from(rest, 'utf8'));
    if (check.finish() && check.sawNonAscii) throw new CsvEncodingError(check.nonAsciiLine, 'utf-8');
  } else if (!check.finish()) {
    throw new CsvEncodingError(check.badLine, 'windows-1252');
  }
  await new Promise<void>((resolve) => last.end(() => resolve()));
  yield take();
}

const SEPARATORS = [',', ';', '\t'] as const;

/**
 * The field separator, from the header line: a comma, or what Excel writes where the list separator is
 * not one (`;` under Spanish-from-Spain or European regional settings, a tab for "Text (tab delimited)").
 * The header names columns, so it holds several separators and no quoted one.
 */
export function sniffDelimiter(firstBytes: Buffer): string {
  let end = firstBytes.findIndex((byte) => byte === 0x0a || byte === 0x0d);
  if (end < 0) end = firstBytes.length;
  const header = firstBytes.subarray(0, end).toString('latin1');
  let best: string = ',';
  let bestCount = 0;
  for (const separator of SEPARATORS) {
    const count = header.split(separator).length - 1;
    if (count > bestCount) [best, bestCount] = [separator, count];
  }
  return best;
}

function isUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/**
 * Whether the bytes read so far are UTF-8 (the fatal WHATWG decoder, streaming across chunk boundaries),
 * and on which line the first bytes that are not, or the first non-ASCII ones, are.
 */
class EncodingCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private valid = true;
  private linesBefore = 0;
  first: Buffer = Buffer.alloc(0);
  badLine = 0;
  sawNonAscii = false;
  nonAsciiLine = 0;

  /** Adds a chunk; false once the bytes stop being UTF-8. */
  add(chunk: Buffer): boolean {
    if (this.first.length === 0) this.first = chunk.subarray(0, 4);
    if (!this.valid) return false;
    if (!this.sawNonAscii && !isAscii(chunk)) {
      this.sawNonAscii = true;
      this.nonAsciiLine =
        this.linesBefore +
        countBreaks(
          chunk,
          chunk.findIndex((byte) => byte >= 0x80),
        ) +
        1;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
      // The replacement decoder marks where: the first U+FFFD of this chunk read on its own.
      const text = new TextDecoder('utf-8').decode(chunk);
      const at = Math.max(0, text.indexOf('\uFFFD'));
      this.badLine = this.linesBefore + (text.slice(0, at).match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
      return false;
    }
    this.linesBefore += countBreaks(chunk, chunk.length);
    return true;
  }

  /** Whether the whole file was UTF-8 (a sequence cut off by the end of the file is not). */
  finish(): boolean {
    if (!this.valid) return false;
    try {
      this.decoder.decode();
      return true;
    } catch {
      this.valid = false;
      this.badLine = this.linesBefore + 1;
      return false;
    }
  }
}

/** Line breaks (LF, CRLF or a lone CR) among the first `end` bytes of a chunk; native scans, as it sees every byte. */
function countBreaks(chunk: Buffer, end: number): number {
  let breaks = 0;
  for (let i = chunk.indexOf(LF); i >= 0 && i < end; i = chunk.indexOf(LF, i + 1)) breaks++;
  for (let i = chunk.indexOf(CR); i >= 0 && i < end; i = chunk.indexOf(CR, i + 1))
    if (chunk[i + 1] !== LF) breaks++;
  return breaks;
}
