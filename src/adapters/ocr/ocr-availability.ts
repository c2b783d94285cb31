import { spawn } from 'node:child_process';

export type ToolAvailability = { available: boolean; version?: string };

/** Runs `command args` and finds its version in what it prints (stdout or stderr); unavailable if it cannot run. */
function probe(command: string, args: string[], pattern: RegExp): Promise<ToolAvailability> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', () => resolve({ available: false }));
    child.on('close', () => {
      const version = pattern.exec(output)?.[1];
      resolve(version === undefined ? { available: false } : { available: true, version });
    });
  });
}

export interface NativeOcrAvailability extends ToolAvailability {
  /** What is missing, when something is: the Debian packages to install. */
  missing: string[];
  /** Languages tesseract has data for (of those OCR uses). */
  languages: string[];
}

/** Whether `--ocr-engine tesseract` can run: tesseract with Spanish and English data, and pdftoppm. */
export async function checkNativeOcr(
  commands: { tesseract?: string; pdftoppm?: string } = {},
): Promise<NativeOcrAvailability> {
  const tesseract = commands.tesseract ?? 'tesseract';
  const [engine, rasteriser, languages] = await Promise.all([
    probe(tesseract, ['--version'], /tesseract v?(\d[\w.-]*)/i),
    probe(commands.pdftoppm ?? 'pdftoppm', ['-v'], /pdftoppm version (\S+)/),
    listLanguages(tesseract),
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

function listLanguages(command: string): Promise<string[]> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, ['--list-langs'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', () => resolve([]));
    child.on('close', () =>
      resolve(
        output
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
          .filter(Boolean),
      ),
    );
  });
}
