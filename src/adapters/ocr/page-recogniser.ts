/** One OCR engine as an OCR child runs it: open a PDF, read its pages one at a time as Tesseract TSV. */
export interface PageRecogniser {
  open(pdfPath: string, pages: readonly number[], dpi: number): Promise<OpenDocument>;
}

export interface OpenDocument {
  /** Tesseract's TSV for the page (see tesseract-tsv.ts). */
  recognise(page: number): Promise<string>;
  close(): Promise<void>;
}
