/**
 * What a local tool (pdftotext, tesseract, pdftoppm) is said to have done when its version probe was still running
 * at a deadline and was stopped: doctor's line, and the refusal at the start of a run.
 */
export function hungToolDetail(commands: string, seconds: number): string {
  return `did not answer within ${seconds} s (${commands}): the machine may be overloaded, or the program hangs`;
}
