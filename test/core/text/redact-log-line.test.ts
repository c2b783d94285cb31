import { describe, expect, it } from 'vitest';
import { redactLogLine } from '../../../src/core/text/redact-log-line.js';

const NAME = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';

describe('redactLogLine', () => {
  it('takes names out of every string of a JSON line, however deep, and keeps everything else', () => {
    const line = JSON.stringify({
      level: 50,
      time: 1767225600000,
      reqId: 'req-1',
      msg: `could not read '${NAME}'`,
      err: {
        type: 'Error',
        message: `ENOENT: no such file or directory, open '/srv/uploads/${NAME}'`,
        stack: `Error: failed on ${NAME}\n    at read (file:///app/dist/x.js:1:2)`,
      },
      problems: [`vector store: ${NAME}`],
      session_id: '0b6e4c1a-7f7e-4a55-9f3c-2f0d6f1c9a10',
    });
    const redacted = JSON.parse(redactLogLine(`${line}\n`)) as Record<string, unknown>;
    expect(JSON.stringify(redacted)).not.toMatch(/GARZA|TIJERINA|MARIA|ESTHER/);
    expect(redacted).toMatchObject({
      level: 50,
      time: 1767225600000,
      reqId: 'req-1',
      msg: "could not read '3000003799_[redacted]_6001467010_CONS.pdf'",
      session_id: '0b6e4c1a-7f7e-4a55-9f3c-2f0d6f1c9a10',
      err: { type: 'Error', stack: expect.stringContaining('at read (file:///app/dist/x.js:1:2)') },
      problems: ['vector store: 3000003799_[redacted]_6001467010_CONS.pdf'],
    });
  });

  it('ends with the newline the line had', () => {
    expect(redactLogLine('{"msg":"ok"}\n')).toBe('{"msg":"ok"}\n');
    expect(redactLogLine('{"msg":"ok"}')).toBe('{"msg":"ok"}');
  });

  it('decodes a URL to find the name it carries, and leaves a URL without one as it was', () => {
    const url = `/api/v1/documents/batch/${encodeURIComponent(NAME)}?wait=false`;
    const redacted = JSON.parse(redactLogLine(JSON.stringify({ req: { url } }))) as { req: { url: string } };
    expect(redacted.req.url).toBe(
      '/api/v1/documents/batch/3000003799_[redacted]_6001467010_CONS.pdf?wait=false',
    );
    const plain = '/api/v1/documents/batch/0b6e4c1a/status?x=a%2Fb';
    expect(JSON.parse(redactLogLine(JSON.stringify({ url: plain })))).toEqual({ url: plain });
    expect(JSON.parse(redactLogLine(JSON.stringify({ url: '/x/GARZA%20TIJERINA%E0%A4%A' }))).url).toBe(
      '/x/[redacted]%E0%A4%A',
    );
  });

  it('redacts a line that is not JSON as text', () => {
    expect(redactLogLine(`starting on ${NAME}`)).toBe(
      'starting on 3000003799_[redacted]_6001467010_CONS.pdf',
    );
  });
});
