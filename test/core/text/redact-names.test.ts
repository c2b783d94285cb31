import { describe, expect, it } from 'vitest';
import { redactNames } from '../../../src/core/text/redact-names.js';

describe('redactNames', () => {
  it('takes the name out of the filenames and paths our messages and Node quote, and keeps the rest of them', () => {
    expect(
      redactNames(
        "already ingested on 2026-01-02 as '3000003799_GARZA TIJERINA, MARIA ESTHER_CONS.pdf' for expediente 3000003799",
      ),
    ).toBe("already ingested on 2026-01-02 as '3000003799_[redacted]_CONS.pdf' for expediente 3000003799");
    // In whatever case, quoted or not; a PDF off the pattern loses its whole base name, a folder per patient its name.
    expect(
      redactNames(
        `ENOENT: no such file or directory, link '/srv/drop/Garza Tijerina, María/3000003799_Garza Tijerina, María_CONS.pdf' -> '/srv/archive/maria garza.PDF'`,
      ),
    ).toBe(
      "ENOENT: no such file or directory, link '/srv/drop/[redacted]/3000003799_[redacted]_CONS.pdf' -> '/srv/archive/[redacted].PDF'",
    );
    expect(redactNames('renamed 3000003799_Garza Tijerina, María_6001467010_CONS.pdf.part')).toBe(
      'renamed 3000003799_[redacted]_6001467010_CONS.pdf.part',
    );
    // Redacted twice (a file's line, then the whole log line), the same.
    const once = redactNames("as '3000003799_Garza Tijerina, María_6001467010_CONS.pdf'", [
      'Garza Tijerina María CONS',
    ]);
    expect(redactNames(once)).toBe(once);
    // A quoted name in any case.
    expect(redactNames("the registry names 'Garza Tijerina, María Esther' for it")).toBe(
      "the registry names '[redacted]' for it",
    );
  });

  it('keeps quoted text that names nobody: error messages, paths, option values, a collection', () => {
    expect(redactNames("no '_' separators: expected parts separated by '_'")).toBe(
      "no '_' separators: expected parts separated by '_'",
    );
    for (const message of [
      "cannot reach the Chroma server at http://127.0.0.1:8000 to read collection 'medical_documents': connection refused",
      'cannot reach the Chroma server to prepare collection "medical_documents": connection refused',
      "--max-file-size '10XB' is not a size",
      "cannot open the database '/var/lib/tecsalud/registry.db': SQLITE_CANTOPEN",
      "cannot write to '/srv/tecsalud/uploads/0b6e4c1a': EACCES",
      "already ingested on 2026-12-06 as '6c1f0e9a4b3d2c1f0e9a4b3d2c1f0e9a4b3d2c1f.pdf' for expediente 3000003799",
      "the session's lock is held: unexpected field 'attachment': send the PDFs as `files` parts",
    ])
      expect(redactNames(message)).toBe(message);
  });

  it('keeps plain words in quotes: an error quoting an option, a description; a name in the registry form goes', () => {
    for (const message of [
      'error: "unknown option" --colour',
      "the collection 'notas de consulta y recetas' is described as 'medical documents'",
      "Bad request to Chroma: 'Invalid where clause'",
    ])
      expect(redactNames(message)).toBe(message);
    expect(
      redactNames("the registry names 'DE LA TORRE VALDEZ, JULIO CÉSAR' and 'de la Torre Valdez, Julio'"),
    ).toBe("the registry names '[redacted]' and '[redacted]'");
    // Quoted words of the filename's name, with no comma nor capitals, are still that name.
    expect(redactNames('the header says "maria esther garza"', ['GARZA TIJERINA, MARIA ESTHER'])).toBe(
      'the header says "[redacted]"',
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
