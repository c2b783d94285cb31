// Runs in an OCR child process: pdf.js (through pdf-parse, with @napi-rs/canvas) rasterises the page and
// tesseract.js (Tesseract in WebAssembly, on a worker thread of this process) reads it. The language data
// comes from the @tesseract.js-data packages on disk: nothing is ever downloaded.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { DamagedPageImage, type PageRecogniser } from './page-recogniser.js';
import { pngToRead, renderedPrintIsFaint, type RenderedPage } from './lift-faint-ink.js';
import { rotatePng } from './rotate-png.js';
import { TESSERACT_JS_MODEL_FOLDER } from './types.js';

const require = createRequire(import.meta.url);

/** Pages are rendered no larger than this on their long side, whatever their size in the PDF. */
const MAX_SIDE_PX = 7000;

/**
 * pdf.js's warnings (console.warn, at verbosity WARNINGS) when an image of the page does not decode whole:
 * it then draws nothing, or the part before the damage, and the render itself succeeds.
 */
const IMAGE_DAMAGE =
  /Unable to decode image|\b(?:Jpeg|Jpx|Jbig2|CCITT)Error\b|ignoring the rest of the image data|JPEG error|Corrupt JPEG/i;

/** Runs `render` collecting pdf.js's warnings, which it writes with console.warn (silenced in OCR children). */
async function renderWatchingWarnings<T>(
  render: () => Promise<T>,
): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const previous = console.warn;
  console.warn = (...parts: unknown[]) => warnings.push(parts.map(String).join(' '));
  try {
    return { result: await render(), warnings };
  } finally {
    console.warn = previous;
  }
}

type TesseractWorker = Awaited<ReturnType<(typeof import('tesseract.js'))['createWorker']>>;

/**
 * tesseract.js reads every language from one `langPath`; each language lives in its own package, so a
 * private folder of links gathers them. It is removed once the data is loaded.
 */
async function gatherLanguageData(languages: readonly string[]): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'tecsalud-ocr-'));
  for (const language of languages) {
    const packageDir = path.dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
    const file = `${language}.traineddata.gz`;
    await symlink(path.join(packageDir, TESSERACT_JS_MODEL_FOLDER, file), path.join(folder, file));
  }
  return folder;
}

async function startWorker(languages: readonly string[]): Promise<TesseractWorker> {
  const { createWorker, OEM } = await import('tesseract.js');
  const langPath = await gatherLanguageData(languages);
  try {
    return await createWorker([...languages], OEM.LSTM_ONLY, {
      // A local folder, not a URL: read from disk. 'none': no cached copy written into the working directory.
      langPath,
      cacheMethod: 'none',
      gzip: true,
      // Without a handler tesseract.js throws its worker's errors from an event listener, which would take
      // this process down with an uncaught exception instead of failing the page.
      errorHandler: () => undefined,
    });
  } finally {
    await rm(langPath, { recursive: true, force: true });
  }
}

export function createTesseractJsRecogniser(languages: readonly string[]): PageRecogniser {
  let worker: Promise<TesseractWorker> | undefined;
  return {
    async open(pdfPath, pages, dpi) {
      worker ??= startWorker(languages);
      const ocr = await worker;
      const { readFile } = await import('node:fs/promises');
      const { PDFParse, VerbosityLevel } = await import('pdf-parse');
      const parser = new PDFParse({
        data: new Uint8Array(await readFile(pdfPath)),
        // Warnings too: a damaged image is only a warning to pdf.js (see renderWatchingWarnings).
        verbosity: VerbosityLevel.WARNINGS,
      });
      const info = await parser.getInfo({ parsePageInfo: true, partial: [...pages] });
      const sizes = new Map(info.pages.map((page) => [page.pageNumber, page]));
      // The last page rendered: a page read again turned (read-page-upright.ts) is not rendered again.
      let rendered: RenderedPage | undefined;
      const render = async (page: number): Promise<RenderedPage> => {
        if (rendered?.page === page) return rendered;
        const size = sizes.get(page);
        const longSide = size ? Math.max(size.width, size.height) : 0;
        const scale = longSide > 0 ? Math.min(dpi / 72, MAX_SIDE_PX / longSide) : dpi / 72;
        const { result: shot, warnings } = await renderWatchingWarnings(() =>
          parser.getScreenshot({ partial: [page], scale, imageBuffer: true }),
        );
        const damage = warnings.find((warning) => IMAGE_DAMAGE.test(warning));
        if (damage !== undefined)
          throw new DamagedPageImage(damage.replace(/^Warning:\s*/, '').replace(/\.$/, ''));
        const data = shot.pages[0]?.data;
        const png = data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.alloc(0);
        rendered = { page, png };
        return rendered;
      };
      return {
        async recognise(page, rotation = 0, liftInk = false) {
          const rendering = await render(page);
          if (rendering.png.length === 0) return '';
          const result = await ocr.recognize(
            await rotatePng(await pngToRead(rendering, liftInk), rotation),
            {},
            {
              text: false,
              tsv: true,
            },
          );
          return result.data.tsv ?? '';
        },
        printIsFaint: async (page) => renderedPrintIsFaint(await render(page)),
        close: () => parser.destroy(),
      };
    },
  };
}
