// Runs in an OCR child process: poppler's pdftoppm rasterises the page and Debian's tesseract reads it,
// each a process of its own. Both stay in this child's process group, so stopping the child (see
// ocr-child-pool.ts) stops them too.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeDamagedFlateImage, type ListedImage } from '../extraction/damaged-streams.js';
import { DamagedPageImage, type PageRecogniser } from './page-recogniser.js';
import { pngToRead, renderedPrintIsFaint, type RenderedPage } from './lift-faint-ink.js';
import { rotatePng } from './rotate-png.js';

/** Processes running now, for the memory watchdog (see ocr-worker.ts). */
export const runningTools = new Set<number>();

/**
 * What pdftoppm says (exit 0 all the same) when an image of the page does not decode whole: libjpeg's
 * warnings, poppler's own for its JPEG 2000, JBIG2, CCITT and Flate decoders. For Flate it says nothing of
 * malformed data, only of data that ends early: damagedFlateImage checks the rest.
 */
const IMAGE_DAMAGE =
  /^(?:.*(?:Corrupt JPEG data|Premature end of JPEG file|Invalid JPEG file structure|Bogus (?:marker|Huffman))|(?=.*\b(?:DCT|JPX|JPEG ?2000|JBIG2|CCITT|flate)\b)(?=.*\b(?:error|bad|invalid|unknown|missing|corrupt|unexpected)\b)).*$/im;

/**
 * The images `pdfimages -list` lists whose samples poppler decodes itself ("image": Flate, raw, LZW…; not
 * JPEG and the other formats whose decoders report damage on their own), by page.
 */
export function readDecodedImages(list: string): Map<number, ListedImage[]> {
  const byPage = new Map<number, ListedImage[]>();
  for (const line of list.split('\n')) {
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    const cells = line.trim().split(/\s+/);
    if (cells.length < 12 || !/^\d+$/.test(cells[0]!) || cells[8] !== 'image') continue;
    const page = Number(cells[0]);
    const [width, height, components, bitsPerComponent, objectNumber, generation] = [3, 4, 6, 7, 10, 11].map(
      (index) => Number(cells[index]),
    ) as [number, number, number, number, number, number];
    if (![width, height, components, bitsPerComponent, objectNumber, generation].every(Number.isInteger))
      continue;
    const images = byPage.get(page) ?? [];
    images.push({ objectNumber, generation, width, height, components, bitsPerComponent });
    byPage.set(page, images);
  }
  return byPage;
}

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

/**
 * The decoded images of `pages` (ascending), by page, from one `pdfimages -list` over their range. pdfimages
 * comes with pdftoppm (poppler-utils) and lists images without decoding them. Should it not run, no page is
 * checked and each is read as before this check, poppler's own reports of damage still heeded.
 */
async function listDecodedImages(
  pdfPath: string,
  pages: readonly number[],
  pdftoppmCommand: string,
): Promise<Map<number, ListedImage[]>> {
  const [first, last] = [pages[0], pages.at(-1)];
  if (first === undefined || last === undefined) return new Map();
  const pdfimages = pdftoppmCommand.includes(path.sep)
    ? path.join(path.dirname(pdftoppmCommand), 'pdfimages')
    : 'pdfimages';
  const list = await run(pdfimages, ['-f', String(first), '-l', String(last), '-list', pdfPath]).catch(
    () => null,
  );
  return list === null ? new Map() : readDecodedImages(list.stdout.toString('utf8'));
}

export function createNativeTesseractRecogniser(options: {
  languages: readonly string[];
  tesseractCommand: string;
  pdftoppmCommand: string;
}): PageRecogniser {
  return {
    async open(pdfPath, pages, dpi) {
      // The last page rendered: a page read again turned (read-page-upright.ts) is not rendered again.
      let rendered: RenderedPage | undefined;
      let bytes: Promise<Buffer> | undefined;
      // One `pdfimages -list` for the file, over the pages to read, on the first page rendered: a call per page
      // cost a process per page (40 for a 40-page scan) for a list that takes milliseconds to make whole.
      let decodedImages: Promise<Map<number, ListedImage[]>> | undefined;
      // An image drawn on several pages (a letterhead) is inflated once.
      const damageByObject = new Map<string, string | undefined>();
      /** The damage of a Flate-compressed image of the page, which pdftoppm would draw in part without a word. */
      const damagedFlateImage = async (page: number): Promise<string | undefined> => {
        decodedImages ??= listDecodedImages(pdfPath, pages, options.pdftoppmCommand);
        const images = (await decodedImages).get(page) ?? [];
        if (images.length === 0) return undefined;
        bytes ??= readFile(pdfPath);
        const pdf = await bytes;
        for (const image of images) {
          const key = `${image.objectNumber} ${image.generation}`;
          if (!damageByObject.has(key)) damageByObject.set(key, describeDamagedFlateImage(pdf, image));
          const damage = damageByObject.get(key);
          if (damage !== undefined) return damage;
        }
        return undefined;
      };
      const render = async (page: number): Promise<RenderedPage> => {
        if (rendered?.page === page) return rendered;
        const n = String(page);
        const flateDamage = await damagedFlateImage(page);
        if (flateDamage !== undefined) throw new DamagedPageImage(flateDamage);
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
        return rendered;
      };
      return {
        async recognise(page, rotation = 0, liftInk = false) {
          const rendering = await render(page);
          if (rendering.png.length === 0) return '';
          const png = await rotatePng(await pngToRead(rendering, liftInk), rotation);
          const { stdout: tsv } = await run(
            options.tesseractCommand,
            ['stdin', 'stdout', '-l', options.languages.join('+'), '--dpi', String(dpi), 'tsv'],
            png,
          );
          return tsv.toString('utf8');
        },
        printIsFaint: async (page) => renderedPrintIsFaint(await render(page)),
        close: async () => undefined,
      };
    },
  };
}
