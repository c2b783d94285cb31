// PDFium (Chrome's PDF engine) compiled to WebAssembly by @hyzyla/pdfium, driven through its C API.
// The package's own page wrapper loads each page and never closes it: a long-lived child would grow by
// ~55 KB per page it ever read (230 MB per 4,000 pages, measured). So the few calls text needs are made
// here, each page closed after use, over the emscripten module the package exports.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  isScannedPage,
  mayBeScannedPage,
  SCANNED_PAGE_IMAGE_COVERAGE,
  shareWithoutRules,
} from './text-layer.js';

/** The subset of the emscripten module (PDFium's C API, exported with a leading underscore) used here. */
interface PdfiumModule {
  _FPDF_InitLibrary(): void;
  _FPDF_LoadMemDocument(data: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
  _FPDF_GetPageCount(document: number): number;
  _FPDF_LoadPage(document: number, index: number): number;
  _FPDF_ClosePage(page: number): void;
  _FPDF_CloseDocument(document: number): void;
  _FPDFText_LoadPage(page: number): number;
  _FPDFText_ClosePage(textPage: number): void;
  _FPDFText_CountChars(textPage: number): number;
  _FPDFText_GetText(textPage: number, start: number, count: number, buffer: number): number;
  _FPDFTextObj_GetText(textObject: number, textPage: number, buffer: number, bytes: number): number;
  _FPDF_GetPageWidthF(page: number): number;
  _FPDF_GetPageHeightF(page: number): number;
  _FPDFPage_CountObjects(page: number): number;
  _FPDFPage_GetObject(page: number, index: number): number;
  _FPDFFormObj_CountObjects(form: number): number;
  _FPDFFormObj_GetObject(form: number, index: number): number;
  _FPDFPageObj_GetType(object: number): number;
  _FPDFPageObj_GetBounds(object: number, left: number, bottom: number, right: number, top: number): number;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
  HEAPU8: Uint8Array;
}

type EmscriptenImports = { env: Record<string, unknown> };

// The WebAssembly API as far as it is used here (the project's TypeScript libs do not declare it).
type WasmModule = object;
type WasmInstance = { exports: object };
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<WasmModule>;
      instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
    };
  }
).WebAssembly;
type ResizeHeap = (requestedBytes: number) => boolean;

/** FPDF_GetLastError's codes (fpdfview.h). */
export const PDFIUM_ERRORS = {
  UNKNOWN: 1,
  FILE: 2,
  FORMAT: 3,
  PASSWORD: 4,
  SECURITY: 5,
  PAGE: 6,
} as const;

/** FPDFPageObj_GetType's codes (fpdf_edit.h) for what may hold a scan, or print over it. */
const PAGE_OBJECT = { TEXT: 1, IMAGE: 3, FORM: 5 } as const;

export type PdfiumPages =
  /** `scannedPages`: 1-based, the pages over a page-sized image with a thin text layer, one covering little of the page, or none (see text-layer.ts). */
  | { ok: true; pageTexts: string[]; scannedPages: number[] }
  /** The document did not open: FPDF_GetLastError's code. */
  | { ok: false; reason: 'load'; code: number }
  /** A page of an opened document did not load. */
  | { ok: false; reason: 'page'; page: number; pages: number }
  /** The engine's heap would have grown past the ceiling. */
  | { ok: false; reason: 'memory' };

export interface PdfiumEngine {
  /**
   * Every page's text. Throws a WebAssembly.RuntimeError when the engine aborts or traps (an allocation it
   * could not survive, an internal check): the engine is unusable after that, open a new one.
   */
  readPages(bytes: Uint8Array): PdfiumPages;
  /** Whether a heap growth was refused during the last readPages (an abort then means out of memory). */
  readonly refusedGrowth: boolean;
}

/** malloc found no room for a buffer of ours: PDFium's own state is intact. */
class OutOfMemory extends Error {}

let compiled: Promise<WasmModule> | undefined;

function compileWasm(): Promise<WasmModule> {
  // Compiled once per process; an engine replaced after an abort reuses it.
  compiled ??= readFile(createRequire(import.meta.url).resolve('@hyzyla/pdfium/pdfium.wasm')).then((bytes) =>
    Wasm.compile(bytes),
  );
  return compiled;
}

/**
 * Starts an engine whose WebAssembly heap may not grow past `maxMemoryMb`. Node's --max-old-space-size does
 * not cover WebAssembly memory, so the ceiling is the engine's own: the growth request is refused, PDFium's
 * allocation fails and it aborts, costing the file, not the process.
 */
export async function openPdfiumEngine(options: { maxMemoryMb: number }): Promise<PdfiumEngine> {
  const wasm = await compileWasm();
  const { PDFiumModule } = await import('@hyzyla/pdfium');
  const ceiling = options.maxMemoryMb * 2 ** 20;
  let refusedGrowth = false;
  const module = (await PDFiumModule({
    instantiateWasm: ((imports: EmscriptenImports, receive: (instance: WasmInstance) => void) => {
      const grow = imports.env.emscripten_resize_heap as ResizeHeap;
      const env = {
        ...imports.env,
        emscripten_resize_heap: (requested: number): boolean => {
          if (requested >>> 0 > ceiling) {
            refusedGrowth = true;
            return false;
          }
          return grow(requested);
        },
      };
      void Wasm.instantiate(wasm, { env, wasi_snapshot_preview1: env }).then(receive);
      return {};
    }) as never,
  })) as unknown as PdfiumModule;
  module._FPDF_InitLibrary();
  const utf16 = new TextDecoder('utf-16le');

  /**
   * Set once the engine aborted or trapped: its memory is in an unknown state, so nothing more is freed or
   * called. Runs `work`, then `cleanup` whether or not it threw, unless the engine died in `work`.
   */
  let dead = false;
  function thenRelease<T>(work: () => T, cleanup: () => void): T {
    let result: T;
    try {
      result = work();
    } catch (error) {
      if (!(error instanceof OutOfMemory)) dead = true;
      if (!dead) cleanup();
      throw error;
    }
    cleanup();
    return result;
  }

  function decodeText(textPage: number): string {
    const chars = module._FPDFText_CountChars(textPage);
    if (chars <= 0) return '';
    const buffer = module.wasmExports.malloc((chars + 1) * 2);
    if (!buffer) throw new OutOfMemory();
    return thenRelease(
      () => {
        // UTF-16LE, with a terminating NUL counted in the length.
        const written = module._FPDFText_GetText(textPage, 0, chars, buffer);
        if (written <= 1) return '';
        const text = utf16.decode(module.HEAPU8.subarray(buffer, buffer + (written - 1) * 2));
        // PDFium ends lines with CR LF; pdf.js and poppler with LF.
        return text.replace(/\r\n?/g, '\n');
      },
      () => module.wasmExports.free(buffer),
    );
  }

  /** Whether the object is an image, or a form XObject that holds one (scanners may wrap the page's image in one). */
  function holdsImage(object: number): boolean {
    const type = module._FPDFPageObj_GetType(object);
    if (type === PAGE_OBJECT.IMAGE) return true;
    if (type !== PAGE_OBJECT.FORM) return false;
    const count = module._FPDFFormObj_CountObjects(object);
    for (let index = 0; index < count; index++) {
      if (holdsImage(module._FPDFFormObj_GetObject(object, index))) return true;
    }
    return false;
  }

  /** The area of an object's bounds in page space (a form's children: in the form's space, its own matrix aside). */
  function boundsArea(object: number, bounds: number): number {
    if (!module._FPDFPageObj_GetBounds(object, bounds, bounds + 4, bounds + 8, bounds + 12)) return 0;
    // left, bottom, right, top as 32-bit floats; the heap's view is taken afresh, as growth replaces it.
    const [left, bottom, right, top] = new Float32Array(module.HEAPU8.buffer, bounds, 4);
    return Math.max(0, right! - left!) * Math.max(0, top! - bottom!);
  }

  /** A text object's text, through the page's text page (UTF-16LE with a terminating NUL counted in its size). */
  function objectText(object: number, textPage: number): string {
    const bytes = module._FPDFTextObj_GetText(object, textPage, 0, 0);
    if (bytes <= 2) return '';
    const buffer = module.wasmExports.malloc(bytes);
    if (!buffer) throw new OutOfMemory();
    return thenRelease(
      () => {
        module._FPDFTextObj_GetText(object, textPage, buffer, bytes);
        return utf16.decode(module.HEAPU8.subarray(buffer, buffer + bytes - 2));
      },
      () => module.wasmExports.free(buffer),
    );
  }

  /**
   * The area text objects' bounds cover, those inside forms too (a form wrapping a page's print is common),
   * a form's rules aside (shareWithoutRules).
   */
  function textArea(
    count: number,
    objectAt: (index: number) => number,
    bounds: number,
    textPage: number,
  ): number {
    let area = 0;
    for (let index = 0; index < count; index++) {
      const object = objectAt(index);
      const type = module._FPDFPageObj_GetType(object);
      if (type === PAGE_OBJECT.TEXT)
        area += boundsArea(object, bounds) * shareWithoutRules(objectText(object, textPage));
      else if (type === PAGE_OBJECT.FORM)
        area += textArea(
          module._FPDFFormObj_CountObjects(object),
          (child) => module._FPDFFormObj_GetObject(object, child),
          bounds,
          textPage,
        );
    }
    return area;
  }

  /**
   * The shares of the page (0-1) that images cover, from their bounds in page space, and, only when images
   * cover most of it and `measureTextWith` is the page's text page (0: not measured), the share its text
   * objects' bounds cover. Overlaps are counted twice, which matters little: a scan is one image, and print
   * rarely overlaps itself. A form that holds an image counts with its own bounds.
   */
  function measureCoverage(page: number, measureTextWith: number): { images: number; text: number } {
    const pageArea = module._FPDF_GetPageWidthF(page) * module._FPDF_GetPageHeightF(page);
    if (!(pageArea > 0)) return { images: 0, text: 0 };
    const bounds = module.wasmExports.malloc(16);
    if (!bounds) throw new OutOfMemory();
    return thenRelease(
      () => {
        let covered = 0;
        const count = module._FPDFPage_CountObjects(page);
        for (let index = 0; index < count; index++) {
          const object = module._FPDFPage_GetObject(page, index);
          if (holdsImage(object)) covered += boundsArea(object, bounds);
        }
        const images = Math.min(1, covered / pageArea);
        // A page of text without a page-sized image, the common case, costs no more than the walk above.
        if (!measureTextWith || images < SCANNED_PAGE_IMAGE_COVERAGE) return { images, text: 0 };
        const text = textArea(
          count,
          (index) => module._FPDFPage_GetObject(page, index),
          bounds,
          measureTextWith,
        );
        return { images, text: Math.min(1, text / pageArea) };
      },
      () => module.wasmExports.free(bounds),
    );
  }

  /**
   * The page's text, and whether it looks like a scan (see text-layer.ts's isScannedPage); null when the page
   * does not load.
   */
  function readPage(document: number, index: number): { text: string; scanned: boolean } | null {
    const page = module._FPDF_LoadPage(document, index);
    if (!page) return null;
    return thenRelease(
      () => {
        // Every page is walked for a page-sized image, under however much text: a typed form of 1,000+ letters
        // over a scanned note is still a scan. The text's area is measured only under such an image.
        const textPage = module._FPDFText_LoadPage(page);
        if (!textPage) return { text: '', scanned: isScannedPage('', measureCoverage(page, 0)) };
        return thenRelease(
          () => {
            const text = decodeText(textPage);
            const scanned = isScannedPage(text, measureCoverage(page, mayBeScannedPage(text) ? 0 : textPage));
            return { text, scanned };
          },
          () => module._FPDFText_ClosePage(textPage),
        );
      },
      () => module._FPDF_ClosePage(page),
    );
  }

  function readAll(bytes: Uint8Array): PdfiumPages {
    // The document reads from this copy until it is closed.
    const data = module.wasmExports.malloc(Math.max(1, bytes.byteLength));
    if (!data) return { ok: false, reason: 'memory' };
    return thenRelease(
      () => {
        module.HEAPU8.set(bytes, data);
        const document = module._FPDF_LoadMemDocument(data, bytes.byteLength, 0);
        if (!document) return { ok: false, reason: 'load', code: module._FPDF_GetLastError() } as const;
        return thenRelease(
          (): PdfiumPages => {
            const pages = module._FPDF_GetPageCount(document);
            const pageTexts: string[] = [];
            const scannedPages: number[] = [];
            for (let index = 0; index < pages; index++) {
              const read = readPage(document, index);
              if (read === null) return { ok: false, reason: 'page', page: index + 1, pages };
              pageTexts.push(read.text);
              if (read.scanned) scannedPages.push(index + 1);
            }
            return { ok: true, pageTexts, scannedPages };
          },
          () => module._FPDF_CloseDocument(document),
        );
      },
      () => module.wasmExports.free(data),
    );
  }

  function readPages(bytes: Uint8Array): PdfiumPages {
    if (dead) throw new Error('the PDFium engine aborted earlier; open a new one');
    refusedGrowth = false;
    try {
      return readAll(bytes);
    } catch (error) {
      if (error instanceof OutOfMemory) return { ok: false, reason: 'memory' };
      throw error;
    }
  }

  return {
    readPages,
    get refusedGrowth() {
      return refusedGrowth;
    },
  };
}
