import { describe, expect, it } from 'vitest';
import { isSkippedHidden } from '../../../src/core/filename/hidden-entry.js';

describe('hidden and system entries of a drop folder', () => {
  it('skips hidden folders and the system folders of a NAS or of Windows, whatever their case', () => {
    for (const folder of [
      '.snapshot',
      '.Trash-1000',
      '.git',
      '@eaDir',
      '@EADIR',
      '#recycle',
      '#snapshot',
      '$RECYCLE.BIN',
      'System Volume Information',
    ]) {
      expect(isSkippedHidden(folder, 'folder'), folder).toBe(true);
    }
    for (const folder of ['urgencias', 'eaDir', 'recycle', '2026-12'])
      expect(isSkippedHidden(folder, 'folder'), folder).toBe(false);
  });

  it('skips metadata files, but not a hidden file named like a PDF: it may be a document', () => {
    for (const file of [
      '.DS_Store',
      '._3000768077_HUERTA SOTO, GABRIELA_1_LAB.pdf',
      '.~lock.x#',
      'Thumbs.db',
      'desktop.ini',
    ]) {
      expect(isSkippedHidden(file, 'file'), file).toBe(true);
    }
    for (const file of [
      '.3000768077_HUERTA SOTO, GABRIELA_1_LAB.pdf',
      '.pdf',
      'notes.txt',
      '3000768077_HUERTA SOTO, GABRIELA_1_LAB.pdf',
    ]) {
      expect(isSkippedHidden(file, 'file'), file).toBe(false);
    }
  });
});
