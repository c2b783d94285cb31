import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/main.js';

/** What a bug (an error no command turned into a refusal) prints: said as a bug, in the reader's language. */
function report(options: Parameters<typeof reportError>[1]): {
  code: number;
  stderr: string;
  stdout: string;
} {
  let stderr = '';
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const code = reportError(new TypeError("Cannot read properties of undefined (reading 'x')"), options);
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}

describe('an internal error', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 70 and says it is a bug to report, with the stack the report needs', () => {
    const { code, stderr, stdout } = report({});
    expect(code).toBe(70);
    expect(stderr).toMatch(/^internal error \(please report it\): TypeError: Cannot read properties/);
    expect(stderr).toContain('internal-error.test.ts');
    expect(stdout).toBe('');
  });

  it('is introduced in Spanish under --lang es', () => {
    const { stderr } = report({ lang: 'es' });
    expect(stderr).toMatch(
      /^error interno \(un defecto del programa: por favor repórtelo con este texto\): TypeError/,
    );
  });

  it('still gives --json its error object on stdout', () => {
    const { stdout } = report({ json: true });
    expect(JSON.parse(stdout)).toEqual({
      error: {
        message: "internal error: Cannot read properties of undefined (reading 'x')",
        hint: 'a bug in tecsalud-batch: please report it with the text printed on stderr',
        exit_code: 70,
      },
    });
  });
});
