/** Clockwise turn applied to a rendered page before it is read. */
export type PageRotation = 0 | 90 | 180 | 270;

/**
 * The renderer could not decode the page's image whole (a damaged image stream): the renderers draw what
 * they could, or nothing, and OCR would read a part of the page as if it were all of it — perhaps without
 * the line that names the patient. `detail` is the renderer's own message.
 */
export class DamagedPageImage extends Error {
  constructor(readonly detail: string) {
    super(`the page's image is damaged (${detail})`);
  }
}

/** One OCR engine as an OCR child runs it: open a PDF, read its pages one at a time as Tesseract TSV. */
export interface PageRecogniser {
  open(pdfPath: string, pages: readonly number[], dpi: number): Promise<OpenDocument>;
}

export interface OpenDocument {
  /**
   * Tesseract's TSV for the page (see tesseract-tsv.ts), its image turned by `rotation` first (default 0),
   * and with its faint ink lifted first when `liftInk` (see lift-faint-ink.ts).
   */
  recognise(page: number, rotation?: PageRotation, liftInk?: boolean): Promise<string>;
  /** Whether the page is printed faint, so that it reads better with its ink lifted (see isFaintPrint). */
  printIsFaint(page: number): Promise<boolean>;
  close(): Promise<void>;
}
