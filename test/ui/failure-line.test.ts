import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/adapters/extraction/describe-failure.js';
import { failureLine } from '../../src/ui/failure-line.js';
import { EN, ES } from '../../src/ui/i18n/messages.js';

describe("failureLine (the dashboard's error list and the progress lines above the bar)", () => {
  const file = {
    relativePath: '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_RX.pdf',
    outcome: 'empty_file',
    message: 'the file is empty (0 bytes)',
  };

  it('keeps the kind of failure whole at 80 columns: the name cut in its middle (expediente and type kept), the detail at its end', () => {
    const line = failureLine('✗ ', file, ES, 79);
    expect(line).toMatch(/^✗ 3000147773_BONILLA \S*…\S*_6459808119_RX\.pdf: archivo vacío — el archivo es…$/);
    expect([...line].length).toBe(79);
    // Wide enough, the whole name.
    expect(failureLine('✗ ', file, ES, 120)).toMatch(
      /^✗ 3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_RX\.pdf: archivo vacío — /,
    );
  });

  it("is the whole line when it fits, in the screens' language", () => {
    const message = describeFailure('encrypted', { detail: 'No password given' }).message;
    expect(failureLine('✗ ', { relativePath: 'a.pdf', outcome: 'encrypted', message }, EN, 200)).toBe(
      `✗ a.pdf: password-protected PDF — ${message}`,
    );
  });
});
