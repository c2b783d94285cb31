import { describe, expect, it } from 'vitest';
import { resolveOcrSettings } from '../../src/config/ocr-settings.js';

describe('resolveOcrSettings', () => {
  it('defaults: auto, tesseract.js, 0.7, 60 s a page and 10 minutes a file', () => {
    expect(resolveOcrSettings({ env: {} })).toEqual({
      mode: 'auto',
      engine: 'tesseract.js',
      minConfidence: 0.7,
      pageTimeoutMs: 60_000,
      fileTimeoutMs: 600_000,
    });
  });

  it('takes flags over the environment, and the environment over the config file', () => {
    const file = {
      mode: 'force',
      engine: 'tesseract',
      minConfidence: 0.5,
      pageTimeoutSeconds: 30,
      processes: 2,
    } as const;
    expect(resolveOcrSettings({ env: {} }, file)).toEqual({
      mode: 'force',
      engine: 'tesseract',
      minConfidence: 0.5,
      pageTimeoutMs: 30_000,
      fileTimeoutMs: 600_000,
      processes: 2,
    });
    expect(resolveOcrSettings({ env: { TECSALUD_OCR: 'off' } }, file).mode).toBe('off');
    expect(
      resolveOcrSettings(
        { ocr: 'auto', ocrEngine: 'tesseract.js', ocrMinConfidence: '0.9', env: { TECSALUD_OCR: 'off' } },
        file,
      ),
    ).toMatchObject({ mode: 'auto', engine: 'tesseract.js', minConfidence: 0.9 });
  });

  it('refuses values it does not know, naming where they came from', () => {
    expect(() => resolveOcrSettings({ env: { TECSALUD_OCR_ENGINE: 'easyocr' } })).toThrow(
      "TECSALUD_OCR_ENGINE must be 'tesseract.js' or 'tesseract', not 'easyocr'",
    );
    expect(() => resolveOcrSettings({ ocrMinConfidence: '95', env: {} })).toThrow(
      '--ocr-min-confidence must be a number from 0 to 1; got 95',
    );
  });
});
