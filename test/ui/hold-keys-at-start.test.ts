import { describe, expect, it } from 'vitest';
import { holdsKeysFromStart } from '../../src/ui/terminal/hold-keys-at-start.js';

const argv = (...words: string[]) => ['/usr/bin/node', '/opt/tecsalud-batch/bin/tecsalud-batch.js', ...words];

describe('holdsKeysFromStart: the commands whose keys are held from the first line', () => {
  it('holds for ingest and review, wherever --lang is typed', () => {
    expect(holdsKeysFromStart(argv('ingest', '/srv/drop', '--non-interactive'))).toBe(true);
    expect(holdsKeysFromStart(argv('review'))).toBe(true);
    expect(holdsKeysFromStart(argv('--lang', 'es', 'ingest', '/srv/drop'))).toBe(true);
    expect(holdsKeysFromStart(argv('--lang=es', 'review', 'ab12'))).toBe(true);
  });

  it('leaves the keys alone for other commands, help and version, and words after --', () => {
    expect(holdsKeysFromStart(argv('status'))).toBe(false);
    expect(holdsKeysFromStart(argv('help', 'ingest'))).toBe(false);
    expect(holdsKeysFromStart(argv('ingest', '--help'))).toBe(false);
    expect(holdsKeysFromStart(argv('review', '-h'))).toBe(false);
    expect(holdsKeysFromStart(argv('-V'))).toBe(false);
    expect(holdsKeysFromStart(argv('--lang', 'ingest'))).toBe(false); // "ingest" is --lang's value here
    expect(holdsKeysFromStart(argv('parse', '--', 'ingest'))).toBe(false);
    expect(holdsKeysFromStart(argv())).toBe(false);
  });
});
