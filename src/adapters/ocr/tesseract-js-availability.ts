import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OCR_LANGUAGES, TESSERACT_JS_MODEL_FOLDER } from './types.js';

const require = createRequire(import.meta.url);

export type TesseractJsAvailability =
  { available: true; version: string; languages: string[] } | { available: false; problem: string };

/** Whether tesseract.js and the language data it reads from the @tesseract.js-data packages are installed. */
export function checkTesseractJs(): Promise<TesseractJsAvailability> {
  let version: string;
  try {
    version = (require('tesseract.js/package.json') as { version: string }).version;
  } catch {
    return Promise.resolve({ available: false, problem: 'the tesseract.js package is missing' });
  }
  for (const language of OCR_LANGUAGES) {
    let found = false;
    try {
      const folder = path.dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
      found = existsSync(path.join(folder, TESSERACT_JS_MODEL_FOLDER, `${language}.traineddata.gz`));
    } catch {
      found = false;
    }
    if (!found)
      return Promise.resolve({
        available: false,
        problem: `the ${language} language data (@tesseract.js-data/${language}) is missing`,
      });
  }
  return Promise.resolve({ available: true, version, languages: [...OCR_LANGUAGES] });
}
