import { readToolOutput } from '../tool-output.js';

export type ToolAvailability = { available: boolean; version?: string };

/** Runs `command args` and finds its version in what it prints (stdout or stderr); unavailable if it cannot run. */
async function probe(
  command: string,
  args: string[],
  pattern: RegExp,
  signal?: AbortSignal,
): Promise<ToolAvailability> {
  const output = await readToolOutput(command, args, { signal });
  const version = output && pattern.exec(output.stdout + output.stderr)?.[1];
  return version ? { available: true, version } : { available: false };
}

export interface NativeOcrAvailability extends ToolAvailability {
  /** What is missing, when something is: the Debian packages to install. */
  missing: string[];
  /** Languages tesseract has data for (of those OCR uses). */
  languages: string[];
}

/**
 * Whether `--ocr-engine tesseract` can run: tesseract with Spanish and English data, and pdftoppm. `signal` stops
 * the tools still running (what they did not say counts as missing).
 */
export async function checkNativeOcr(
  commands: { tesseract?: string; pdftoppm?: string } = {},
  options: { signal?: AbortSignal } = {},
): Promise<NativeOcrAvailability> {
  const tesseract = commands.tesseract ?? 'tesseract';
  const [engine, rasteriser, languages] = await Promise.all([
    probe(tesseract, ['--version'], /tesseract v?(\d[\w.-]*)/i, options.signal),
    probe(commands.pdftoppm ?? 'pdftoppm', ['-v'], /pdftoppm version (\S+)/, options.signal),
    listLanguages(tesseract, options.signal),
  ]);
  const missing: string[] = [];
  if (!engine.available) missing.push('tesseract-ocr');
  if (engine.available && !languages.includes('spa')) missing.push('tesseract-ocr-spa');
  if (engine.available && !languages.includes('eng')) missing.push('tesseract-ocr-eng');
  if (!rasteriser.available) missing.push('poppler-utils');
  return {
    available: missing.length === 0,
    ...(engine.version ? { version: engine.version } : {}),
    missing,
    languages: languages.filter((language) => language === 'spa' || language === 'eng'),
  };
}

async function listLanguages(command: string, signal?: AbortSignal): Promise<string[]> {
  const output = await readToolOutput(command, ['--list-langs'], { signal });
  return (output?.stdout ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
}
