import { describe, expect, it } from 'vitest';
import { parseFilename } from '../../src/core/filename/parse-filename.js';
import type { FileResult } from '../../src/core/pipeline/events.js';
import { createLogListener } from '../../src/ingest/log-listener.js';

function collectingLogger() {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (object: object, message: string) =>
    lines.push({ level, object: object as Record<string, unknown>, message });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const filename = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';
const result: FileResult = {
  fileId: 'f1',
  relativePath: `2026/${filename}`,
  filename,
  outcome: 'duplicate',
  processingStatus: 'completed',
  message: `already ingested as '${filename}' for expediente 3000003799`,
  parse: parseFilename(filename),
  match: null,
  pages: 2,
  chunks: null,
  documentId: null,
  contentSha256: 'ab'.repeat(32),
  stageMs: {},
};
const totals = {
  totalFiles: 1,
  processedFiles: 1,
  failedFiles: 0,
  createdPatients: 0,
  matchedPatients: 0,
  reviewRequired: 0,
  duplicates: 1,
  deferred: 0,
  notMoved: 0,
  pages: 0,
  chunks: 0,
};

describe('the structured log subscriber', () => {
  it('writes one line per file outcome and per session event', () => {
    const { logger, lines } = collectingLogger();
    const listen = createLogListener(logger, { redact: false });
    listen({
      type: 'session_started',
      sessionId: 's1',
      sourceDir: '/srv/drop',
      totalFiles: 1,
      processingType: 'both',
    });
    listen({ type: 'file_started', fileId: 'f1', relativePath: result.relativePath });
    listen({ type: 'file_finished', result, totals });
    listen({ type: 'session_finished', sessionId: 's1', status: 'completed', totals, seconds: 1.5 });
    expect(lines.map((l) => l.object.event)).toEqual([
      'session_started',
      'file_finished',
      'session_finished',
    ]);
    expect(lines[1]!.object).toMatchObject({
      path: result.relativePath,
      outcome: 'duplicate',
      expediente: '3000003799',
    });
  });

  it('--redact keeps patient names out: the file is identified by expediente and content hash', () => {
    const { logger, lines } = collectingLogger();
    createLogListener(logger, { redact: true })({ type: 'file_finished', result, totals });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('GARZA');
    expect(text).not.toContain('MARIA');
    expect(lines[0]!.object).toMatchObject({
      expediente: '3000003799',
      content_sha256: 'ab'.repeat(32),
      numero: '6001467010',
      // The quoted filename keeps its document number and type: they name no one.
      message: "already ingested as '3000003799_[redacted]_6001467010_CONS.pdf' for expediente 3000003799",
    });
  });

  it('--redact takes names out of every message: match reasons name them unquoted, and candidates too', () => {
    const { logger, lines } = collectingLogger();
    const reviewed: FileResult = {
      ...result,
      outcome: 'review_required',
      processingStatus: 'pending',
      message:
        'held for review: apellido materno: one-letter typo (TIJERINA vs TIJERNA); nombres: same (MARIA ESTHER)',
      match: {
        decision: 'review',
        status: 'review_required',
        confidence: 0.9,
        reason: 'typo',
        patientExpediente: '3000003799',
        candidates: [
          { expediente: '3000003799', name: 'GARZA TIJERNA MARIA ESTHER', confidence: 0.9, reasons: [] },
        ],
      },
    };
    createLogListener(logger, { redact: true })({ type: 'file_finished', result: reviewed, totals });
    const text = JSON.stringify(lines);
    for (const word of ['GARZA', 'TIJERINA', 'TIJERNA', 'MARIA', 'ESTHER']) expect(text).not.toContain(word);
    expect(lines[0]!.object.message).toBe(
      'held for review: apellido materno: one-letter typo ([redacted] vs [redacted]); nombres: same ([redacted] [redacted])',
    );
  });

  it('logs the content verdict of a document that names another patient, never the name it states', () => {
    const { logger, lines } = collectingLogger();
    const mismatch: FileResult = {
      ...result,
      outcome: 'review_required',
      processingStatus: 'pending',
      message:
        "held for review: content_mismatch (the document's own text names another patient than the filename)",
      match: {
        decision: 'review',
        status: 'review_required',
        confidence: 0.94,
        reason: 'content_mismatch',
        patientExpediente: '3000003799',
        candidates: [],
        content: {
          verdict: 'contradicts',
          identity: { expediente: '3000147773', nombre_escrito: 'ADRIANA BONILLA SEPÚLVEDA' },
          reasons: ['the document names ADRIANA BONILLA SEPÚLVEDA, clearly another person'],
        } as unknown as NonNullable<FileResult['match']>['content'],
      },
    };
    createLogListener(logger, { redact: true })({ type: 'file_finished', result: mismatch, totals });
    expect(JSON.stringify(lines)).not.toMatch(/ADRIANA|BONILLA|GARZA/);
    expect(lines[0]!.object).toMatchObject({ reason: 'content_mismatch', content_verdict: 'contradicts' });
  });

  it('--redact takes the name out of a file whose name could not be parsed', () => {
    const { logger, lines } = collectingLogger();
    const unparsed: FileResult = {
      ...result,
      relativePath: 'lote 7/RIOS CORONADO CESAR CONS.pdf',
      filename: 'RIOS CORONADO CESAR CONS.pdf',
      outcome: 'invalid_name',
      processingStatus: 'failed',
      parse: parseFilename('RIOS CORONADO CESAR CONS.pdf'),
      message: 'could not move it to /srv/quarantine: EACCES: permission denied, mkdir Rios Coronado Cesar',
    };
    createLogListener(logger, { redact: true })({ type: 'file_finished', result: unparsed, totals });
    expect(JSON.stringify(lines)).not.toMatch(/RIOS|CORONADO|CESAR|Rios|Coronado|Cesar/);
    expect(lines[0]!.object).toMatchObject({ outcome: 'invalid_name', expediente: null });
  });
});
