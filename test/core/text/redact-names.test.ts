import { describe, expect, it } from 'vitest';
import { redactNames } from '../../../src/core/text/redact-names.js';

describe('redactNames', () => {
  it('takes out quoted text: our messages quote filenames, Node quotes paths', () => {
    expect(
      redactNames(
        "already ingested on 2026-01-02 as '3000003799_GARZA TIJERINA, MARIA ESTHER_CONS.pdf' for expediente 3000003799",
      ),
    ).toBe("already ingested on 2026-01-02 as '[redacted]' for expediente 3000003799");
    expect(
      redactNames(`ENOENT: no such file or directory, link '/srv/drop/a.pdf' -> '/srv/archive/a.pdf'`),
    ).toBe("ENOENT: no such file or directory, link '[redacted]' -> '[redacted]'");
  });

  it("keeps quoted text that names nobody: a message about '_' still says what is wrong", () => {
    expect(redactNames("no '_' separators: expected parts separated by '_'")).toBe(
      "no '_' separators: expected parts separated by '_'",
    );
  });

  it('takes out the words of the given names wherever they appear, whatever the accents and case', () => {
    const names = [
      '2026/3000003799_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_6443785215_URG',
      'Martinez Mejia Fco Javier',
    ];
    expect(redactNames('held for review: apellido materno: one-letter typo (Mejia vs mejía)', names)).toBe(
      'held for review: apellido materno: one-letter typo ([redacted] vs [redacted])',
    );
    expect(redactNames('nombres: abbreviation expanded (FCO vs francisco)', names)).toBe(
      'nombres: abbreviation expanded ([redacted] vs [redacted])',
    );
  });

  it('takes out a name it was not given when written in capitals, as registries and headers write them', () => {
    expect(redactNames('the document names ÑUÑEZ ÁVILA, JOSÉ as its patient')).toBe(
      'the document names [redacted] as its patient',
    );
    expect(redactNames('not a PDF (no %PDF- header); HTTP 503 from the embedder')).toBe(
      'not a PDF (no %PDF- header); HTTP 503 from the embedder',
    );
  });
});
