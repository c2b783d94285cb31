// Only the OCR constants: resolving the settings loads neither Tesseract nor pdf.js.
import {
  OCR_DEFAULTS,
  OCR_ENGINES,
  OCR_MODES,
  type OcrEngineName,
  type OcrMode,
} from '../core/pipeline/ocr-options.js';
import { checkChoice } from './choice-setting.js';
import { readNumberSetting } from './number-setting.js';
import type { BackendConfig } from './load-config.js';

/** The OCR settings of a run: flags > environment > config file (`ocr`) > defaults. */
export interface OcrSettings {
  mode: OcrMode;
  engine: OcrEngineName;
  minConfidence: number;
  pageTimeoutMs: number;
  fileTimeoutMs: number;
  /** OCR child processes; undefined: half the extraction processes (at least 1). */
  processes?: number;
}

export interface OcrFlags {
  /** `--ocr auto|off|force` */
  ocr?: string;
  /** `--ocr-engine tesseract.js|tesseract` */
  ocrEngine?: string;
  /** `--ocr-min-confidence X` */
  ocrMinConfidence?: string;
  env?: NodeJS.ProcessEnv;
}

export function resolveOcrSettings(flags: OcrFlags, file: BackendConfig['ocr'] = {}): OcrSettings {
  const env = flags.env ?? process.env;
  const fromEnv = (name: string) => env[name]?.trim() || undefined;
  const mode = checkChoice(
    flags.ocr ?? fromEnv('TECSALUD_OCR') ?? file.mode ?? OCR_DEFAULTS.mode,
    OCR_MODES,
    flags.ocr !== undefined ? '--ocr' : 'TECSALUD_OCR',
  );
  const engine = checkChoice(
    flags.ocrEngine ?? fromEnv('TECSALUD_OCR_ENGINE') ?? file.engine ?? OCR_DEFAULTS.engine,
    OCR_ENGINES,
    flags.ocrEngine !== undefined ? '--ocr-engine' : 'TECSALUD_OCR_ENGINE',
  );
  let minConfidence: number = file.minConfidence ?? OCR_DEFAULTS.minConfidence;
  if (flags.ocrMinConfidence !== undefined) {
    minConfidence = readNumberSetting(flags.ocrMinConfidence, '--ocr-min-confidence', {
      kind: 'decimal',
      min: 0,
      max: 1,
    });
  }
  return {
    mode,
    engine,
    minConfidence,
    pageTimeoutMs:
      file.pageTimeoutSeconds === undefined ? OCR_DEFAULTS.pageTimeoutMs : file.pageTimeoutSeconds * 1000,
    fileTimeoutMs:
      file.fileTimeoutSeconds === undefined ? OCR_DEFAULTS.fileTimeoutMs : file.fileTimeoutSeconds * 1000,
    ...(file.processes !== undefined ? { processes: file.processes } : {}),
  };
}
