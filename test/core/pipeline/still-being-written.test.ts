import { describe, expect, it } from 'vitest';
import {
  endsLikeWholePdf,
  stillBeingWritten,
  transferFinalName,
  transferUnderWay,
} from '../../../src/core/pipeline/still-being-written.js';

describe('stillBeingWritten', () => {
  const clock = { nowMs: 10_000_000, windowMs: 60_000 };
  const now = (ageMs: number, size = 2000) => ({ size, mtimeMs: clock.nowMs - ageMs });

  it('takes a PDF not yet whole and changed within the window as a copy under way, never a whole one', () => {
    expect(stillBeingWritten({ before: null, now: now(3_000), endsWhole: false }, clock)).toMatch(
      /^modified 3 s ago/,
    );
    expect(stillBeingWritten({ before: null, now: now(3_000), endsWhole: true }, clock)).toBeNull();
    // Still for longer than the window: judged as it is (corrupt, when it is cut short).
    expect(stillBeingWritten({ before: null, now: now(61_000), endsWhole: false }, clock)).toBeNull();
    // A share whose clock is a little ahead counts as recent; one a day ahead does not hold files back for a day.
    expect(stillBeingWritten({ before: null, now: now(-5_000), endsWhole: false }, clock)).toMatch(
      /^modified 0 s ago/,
    );
    expect(stillBeingWritten({ before: null, now: now(-86_400_000), endsWhole: false }, clock)).toBeNull();
    // Window 0: the time check is off.
    expect(
      stillBeingWritten({ before: null, now: now(0), endsWhole: false }, { ...clock, windowMs: 0 }),
    ).toBeNull();
  });

  it('takes any change between two looks at the file as a copy under way, whatever its age and shape', () => {
    const before = now(3_600_000);
    expect(stillBeingWritten({ before, now: { ...before, size: 2100 } }, { ...clock, windowMs: 0 })).toMatch(
      /\(2000 bytes, then 2100\)/,
    );
    expect(stillBeingWritten({ before, now: { ...before, mtimeMs: before.mtimeMs + 1 } }, clock)).toMatch(
      /modification time moved/,
    );
    expect(stillBeingWritten({ before, now: before, endsWhole: true }, clock)).toBeNull();
  });

  it('takes a file named as a transfer tool names it until it is complete, and changed within the window, as one', () => {
    expect(transferUnderWay('a.pdf.filepart', clock.nowMs - 2_000, clock)).toMatch(
      /^named as a transfer still under way \('\.filepart'\) and modified 2 s ago/,
    );
    for (const name of ['a.pdf.part', 'a.PDF.CRDOWNLOAD', 'a.pdf.partial', 'a.pdf.download', 'a.pdf.tmp']) {
      expect(transferUnderWay(name, clock.nowMs, clock), name).not.toBeNull();
    }
    // An abandoned transfer, a PDF, the time check off, or no time known: judged as any file.
    expect(transferUnderWay('a.pdf.part', clock.nowMs - 120_000, clock)).toBeNull();
    expect(transferUnderWay('a.pdf', clock.nowMs, clock)).toBeNull();
    expect(transferUnderWay('a.pdf.part', clock.nowMs, { ...clock, windowMs: 0 })).toBeNull();
    expect(transferUnderWay('a.pdf.part', null, clock)).toBeNull();
  });

  it('knows the name a transfer gives the file once complete', () => {
    expect(transferFinalName('a.pdf.filepart')).toBe('a.pdf');
    expect(transferFinalName('a.PDF.CRDOWNLOAD')).toBe('a.PDF');
    expect(transferFinalName('a.pdf')).toBeNull();
    expect(transferFinalName('.part')).toBeNull();
  });

  it('finds %%EOF where readers look for it: in the last KiB', () => {
    const pdf = (tail: string) =>
      Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x20), Buffer.from(tail)]);
    expect(endsLikeWholePdf(pdf('%%EOF\n'))).toBe(true);
    expect(endsLikeWholePdf(pdf(`%%EOF\n${' '.repeat(900)}`))).toBe(true);
    expect(endsLikeWholePdf(pdf(`%%EOF\n${' '.repeat(1100)}`))).toBe(false);
    expect(endsLikeWholePdf(pdf('endobj\n'))).toBe(false);
    // Preallocated and still being filled: zeros at the end.
    expect(endsLikeWholePdf(Buffer.concat([pdf('%%EOF'), Buffer.alloc(2048)]))).toBe(false);
  });
});
