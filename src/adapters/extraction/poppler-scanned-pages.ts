// Which pages look scanned under a thin text layer (see text-layer.ts), for the pdftotext engine: poppler's
// own pdfimages lists each page's images with their resolution on the page, from which their size follows,
// and pdfinfo gives the pages' sizes. Both come with pdftotext in poppler-utils; they run only for a file
// with a page of a stamp or a letterhead's worth of text, or none, so a text PDF costs nothing more.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { mayBeScannedPage, SCANNED_PAGE_IMAGE_COVERAGE } from './text-layer.js';

/** A poppler tool beside the configured pdftotext (`/opt/poppler/bin/pdfimages`), or from PATH as it is. */
function besidePdftotext(pdftotextCommand: string, tool: string): string {
  return pdftotextCommand.includes(path.sep) ? path.join(path.dirname(pdftotextCommand), tool) : tool;
}

/**
 * Points of page covered by images, per page, from `pdfimages -list`: an image's width in pixels over its
 * x-ppi is its width on the page in inches. Soft masks and masks lie under their image and are not counted
 * again.
 */
export function readImageAreas(list: string): Map<number, number> {
  const areas = new Map<number, number>();
  for (const line of list.split('\n')) {
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    const cells = line.trim().split(/\s+/);
    const page = Number(cells[0]);
    if (cells.length < 14 || !Number.isInteger(page) || !['image', 'stencil'].includes(cells[2]!)) continue;
    const [width, height, xPpi, yPpi] = [cells[3], cells[4], cells[12], cells[13]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (!(xPpi > 0 && yPpi > 0)) continue;
    areas.set(page, (areas.get(page) ?? 0) + ((width * 72) / xPpi) * ((height * 72) / yPpi));
  }
  return areas;
}

/** Each page's area in points, from `pdfinfo -f A -l B` ("Page    1 size: 612 x 792 pts (letter)"). */
export function readPageAreas(info: string): Map<number, number> {
  const areas = new Map<number, number>();
  for (const match of info.matchAll(/^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts/gm)) {
    areas.set(Number(match[1]), Number(match[2]) * Number(match[3]));
  }
  return areas;
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): string | null {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'ignore'],
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  });
  return result.error || result.status !== 0 ? null : result.stdout;
}

/**
 * The 1-based pages with a thin text layer, or none, over a page-sized image. When pdfimages or pdfinfo cannot
 * be run (missing, or refusing the file), every such page is counted: OCR'ing a page for nothing costs seconds,
 * leaving a scan unread may attach it to the wrong patient.
 */
export function findScannedPagesWithPoppler(options: {
  pdftotextCommand: string;
  path: string;
  pageTexts: readonly string[];
  timeoutMs: number;
  /** The tools' environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
}): number[] {
  const env = options.env ?? process.env;
  const thin = options.pageTexts.flatMap((text, index) => (mayBeScannedPage(text) ? [index + 1] : []));
  if (thin.length === 0) return [];
  const range = ['-f', String(thin[0]), '-l', String(thin.at(-1))];
  const list = run(
    besidePdftotext(options.pdftotextCommand, 'pdfimages'),
    [...range, '-list', options.path],
    options.timeoutMs,
    env,
  );
  if (list === null) return thin;
  const imageAreas = readImageAreas(list);
  if (!thin.some((page) => imageAreas.has(page))) return [];
  const info = run(
    besidePdftotext(options.pdftotextCommand, 'pdfinfo'),
    [...range, options.path],
    options.timeoutMs,
    env,
  );
  if (info === null) return thin;
  const pageAreas = readPageAreas(info);
  return thin.filter((page) => {
    const pageArea = pageAreas.get(page) ?? 0;
    return pageArea > 0 && (imageAreas.get(page) ?? 0) / pageArea >= SCANNED_PAGE_IMAGE_COVERAGE;
  });
}
