import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseFilenames } from '../../src/commands/parse.js';
import { ExitCode } from '../../src/errors.js';

/** Collects everything the command writes. */
function collectingStdout() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function run(filenames: string[], json: boolean) {
  const stdout = collectingStdout();
  const exitCode = parseFilenames(filenames, json ? { json } : {}, {
    io: { stdout: stdout.stream, stderr: process.stderr },
  });
  return { exitCode, output: stdout.text() };
}

const EXAMPLE = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';

describe('parse command, human output', () => {
  it('prints a readable block and exits 0 when the name parses', () => {
    const { exitCode, output } = run([EXAMPLE], false);
    expect(exitCode).toBe(ExitCode.Success);
    expect(output).toBe(
      [
        `✓ ${EXAMPLE}`,
        '  expediente        3000003799',
        '  apellido paterno  GARZA',
        '  apellido materno  TIJERINA',
        '  nombres           MARIA ESTHER',
        '  numero            6001467010',
        '  tipo              consultation (CONS)',
        '',
      ].join('\n'),
    );
  });

  it('shows a dash for a missing materno and numero, and the raw code of an unknown type', () => {
    const { output } = run(['incoming/30000037_de los santos, juan_xyz.pdf'], false);
    expect(output).toContain('✓ incoming/30000037_de los santos, juan_xyz.pdf\n');
    expect(output).toContain('  apellido paterno  DE LOS SANTOS\n');
    expect(output).toContain('  apellido materno  —\n');
    expect(output).toContain('  numero            —\n');
    expect(output).toContain('  tipo              other (XYZ)\n');
  });

  it('lists failures, prints the expected format once, summarises, and exits SomeFailed', () => {
    const { exitCode, output } = run(
      [
        EXAMPLE,
        '1234567_GARZA, ANA_CONS.pdf',
        'notes.docx',
        '3000003799_GARZA TIJERINA MARIA ESTHER_CONS.pdf',
      ],
      false,
    );
    expect(exitCode).toBe(ExitCode.SomeFailed);
    expect(output).toContain(
      "✗ 1234567_GARZA, ANA_CONS.pdf: the expediente '1234567' has 7 digits; it must have 8 to 12\n",
    );
    expect(output).toContain("✗ notes.docx: not a .pdf file (extension '.docx')\n");
    expect(output).toContain(
      "✗ 3000003799_GARZA TIJERINA MARIA ESTHER_CONS.pdf: no comma between surnames and given names in 'GARZA TIJERINA MARIA ESTHER'\n",
    );
    expect(output.match(/Expected format:/g)).toHaveLength(1);
    expect(output).toContain(
      'Expected format: [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf (NUMERO is optional)\n',
    );
    expect(output).toContain(`Example:         ${EXAMPLE}\n`);
    expect(output.trimEnd().endsWith('1 parsed, 3 failed')).toBe(true);
  });

  it('escapes control characters from the file name instead of sending them to the terminal', () => {
    const { exitCode, output } = run(
      ['3000003799_GARZA\u001b[2J, ANA_CONS\u0007.pdf', 'in/\u202eevil.pdf'],
      false,
    );
    expect(exitCode).toBe(ExitCode.SomeFailed);
    expect(output.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(output).toContain('✗ 3000003799_GARZA\\x1B[2J, ANA_CONS\\x07.pdf: the name contains control');
    expect(output).toContain('in/\\u{202E}evil.pdf');
  });
});

describe('parse command, --json', () => {
  it('prints one snake_case object per filename, in order', () => {
    const { exitCode, output } = run([EXAMPLE, '/tmp/x/12345678_DEL RIO LOPEZ, ANA_rx.PDF'], true);
    expect(exitCode).toBe(ExitCode.Success);
    expect(output.endsWith('\n')).toBe(true);
    expect(JSON.parse(output)).toEqual([
      {
        filename: EXAMPLE,
        ok: true,
        expediente: '3000003799',
        apellidos: 'GARZA TIJERINA',
        apellido_paterno: 'GARZA',
        apellido_materno: 'TIJERINA',
        nombres: 'MARIA ESTHER',
        nombre_completo: 'GARZA TIJERINA, MARIA ESTHER',
        numero: '6001467010',
        document_type: 'consultation',
        document_type_code: 'CONS',
      },
      {
        filename: '/tmp/x/12345678_DEL RIO LOPEZ, ANA_rx.PDF',
        ok: true,
        expediente: '12345678',
        apellidos: 'DEL RIO LOPEZ',
        apellido_paterno: 'DEL RIO',
        apellido_materno: 'LOPEZ',
        nombres: 'ANA',
        nombre_completo: 'DEL RIO LOPEZ, ANA',
        numero: null,
        document_type: 'imaging',
        document_type_code: 'RX',
      },
    ]);
  });

  it('prints structured errors and exits SomeFailed', () => {
    const { exitCode, output } = run(['30000A3799_GARZA, ANA_CONS.pdf', EXAMPLE], true);
    expect(exitCode).toBe(ExitCode.SomeFailed);
    const [failed, ok] = JSON.parse(output) as [Record<string, unknown>, Record<string, unknown>];
    expect(failed).toEqual({
      filename: '30000A3799_GARZA, ANA_CONS.pdf',
      ok: false,
      error: {
        code: 'invalid_expediente',
        message: "the expediente '30000A3799' contains letters; it must be 8 to 12 digits",
        expected_format: '[EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf',
        example: EXAMPLE,
      },
    });
    expect(ok).toMatchObject({ filename: EXAMPLE, ok: true });
  });

  it('keeps the argument exactly as given, control characters and all, as valid JSON', () => {
    const input = 'in/3000003799_GARZA\u001b, ANA_CONS.pdf';
    const { output } = run([input], true);
    expect(output.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect((JSON.parse(output) as { filename: string }[])[0]?.filename).toBe(input);
  });

  it('gives the same JSON for decomposed (macOS) and composed names, except the filename as given', () => {
    const composed = '30000037_MUÑOZ PEÑA, JOSÉ_CONS.pdf';
    const [a] = JSON.parse(run([composed], true).output) as Record<string, unknown>[];
    const [b] = JSON.parse(run([composed.normalize('NFD')], true).output) as Record<string, unknown>[];
    expect({ ...b, filename: '' }).toEqual({ ...a, filename: '' });
    expect(a?.apellido_paterno).toBe('MUÑOZ');
  });
});
