/** Clockwise turn applied to a rendered page before it is read. */
export type PageRotation = 0 | 90 | 180 | 270;

/** One OCR engine as an OCR child runs it: open a PDF, read its pages one at a time as Tesseract TSV. */
export interface PageRecogniser {
  open(pdfPath: string, pages: readonly number[], dpi: number): Promise<OpenDocument>;
}

export interface OpenDocument {
  /** Tesseract's TSV for the page (see tesseract-tsv.ts), its image turned by `rotation` first (default 0). */
  recognise(page: number, rotation?: PageRotation): Promise<string>;
  close(): Promise<void>;
}
