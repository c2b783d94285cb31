// Runs in an OCR child process: poppler's pdftoppm rasterises the page and Debian's tesseract reads it,
// each a process of its own. Both stay in this child's process group, so stopping the child (see
// ocr-child-pool.ts) stops them too.
import { spawn } from 'node:child_process';
import { DamagedPageImage, type PageRecogniser } from './page-recogniser.js';
import { rotatePng } from './rotate-png.js';

/** Processes running now, for the memory watchdog (see ocr-worker.ts). */
export const runningTools = new Set<number>();

/**
 * What pdftoppm says (exit 0 all the same) when an image of the page does not decode whole: libjpeg's
 * warnings, poppler's own for its JPEG 2000, JBIG2 and CCITT decoders.
 */
const IMAGE_DAMAGE =
  /^(?:.*(?:Corrupt JPEG data|Premature end of JPEG file|Invalid JPEG file structure|Bogus (?:marker|Huffman))|(?=.*\b(?:DCT|JPX|JPEG ?2000|JBIG2|CCITT)\b)(?=.*\b(?:error|bad|invalid|unknown|missing|corrupt)\b)).*$/im;

function run(command: string, args: string[], input?: Buffer): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // One thread: the pool already runs pages in parallel, one per child. Left to OpenMP (a thread per
      // core), one page took 20.9 s of wall-clock time against 7.3 s on a busy 2-core machine.
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    if (child.pid !== undefined) runningTools.add(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (child.pid !== undefined) runningTools.delete(child.pid);
      const said = Buffer.concat(stderr).toString('utf8');
      if (code === 0) return resolve({ stdout: Buffer.concat(stdout), stderr: said });
      const why = said.trim().split('\n').at(-1) ?? '';
      reject(
        new Error(
          `${command} ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}${why ? `: ${why}` : ''}`,
        ),
      );
    });
    if (input) {
      child.stdin?.on('error', () => undefined); // a tool that exits early reports through its exit code
      child.stdin?.end(input);
    }
  });
}

export function createNativeTesseractRecogniser(options: {
  languages: readonly string[];
  tesseractCommand: string;
  pdftoppmCommand: string;
}): PageRecogniser {
  return {
    async open(pdfPath, _pages, dpi) {
      // The last page rendered: a page read again turned (read-page-upright.ts) is not rendered again.
      let rendered: { page: number; png: Buffer } | undefined;
      const render = async (page: number): Promise<Buffer> => {
        if (rendered?.page === page) return rendered.png;
        const n = String(page);
        const { stdout: png, stderr } = await run(options.pdftoppmCommand, [
          '-f',
          n,
          '-l',
          n,
          '-r',
          String(dpi),
          '-gray',
          '-png',
          pdfPath,
        ]);
        const damage = IMAGE_DAMAGE.exec(stderr)?.[0].trim();
        if (damage !== undefined) throw new DamagedPageImage(damage);
        rendered = { page, png };
        return png;
      };
      return {
        async recognise(page, rotation = 0) {
          const rendering = await render(page);
          if (rendering.length === 0) return '';
          const png = await rotatePng(rendering, rotation);
          const { stdout: tsv } = await run(
            options.tesseractCommand,
            ['stdin', 'stdout', '-l', options.languages.join('+'), '--dpi', String(dpi), 'tsv'],
            png,
          );
          return tsv.toString('utf8');
        },
        close: async () => undefined,
      };
    },
  };
}
