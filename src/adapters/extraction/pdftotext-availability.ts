import { readToolOutput } from '../tool-output.js';

export type PdftotextAvailability = { available: boolean; version?: string };

/**
 * Whether poppler's pdftotext can be run, and which version (it prints it on stderr for `-v`); unavailable when
 * `signal` stops it first.
 */
export async function isPdftotextAvailable(
  command = 'pdftotext',
  options: { signal?: AbortSignal } = {},
): Promise<PdftotextAvailability> {
  const output = await readToolOutput(command, ['-v'], options);
  const version = output && /pdftotext version (\S+)/.exec(output.stdout + output.stderr)?.[1];
  return version ? { available: true, version } : { available: false };
}
