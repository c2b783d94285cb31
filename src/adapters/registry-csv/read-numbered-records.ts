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
      this.queue.push({ skipped: error.message, line: this.lines.breaksBefore(this.info.bytes) + 1 }),
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

/** The records of a CSV file in arrays of a few hundred, as the file is read. */
export async function* readNumberedRecords(file: string): AsyncGenerator<NumberedRecord[]> {
  const parser = new NumberingParser({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  let failure: unknown;
  parser.on('error', (error) => (failure ??= error));
  const take = () => {
    if (failure) throw failure;
    const records = parser.queue;
    parser.queue = [];
    return records;
  };
  for await (const chunk of fs.createReadStream(file)) {
    parser.write(chunk); // parses synchronously: nothing is pushed downstream, so there is no backpressure
    yield take();
  }
  await new Promise<void>((resolve) => parser.end(() => resolve()));
  yield take();
}
