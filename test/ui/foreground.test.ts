import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalForeground } from '../../src/ui/terminal/foreground.js';
import { createTempDir } from '../support/databases.js';

describe('terminalForeground', () => {
  const root = createTempDir('tecsalud-foreground-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const stat = (line: string) => {
    const file = path.join(root, `stat-${Math.random()}`);
    fs.writeFileSync(file, line);
    return file;
  };

  it("reads the process's group against the terminal's foreground group, whatever the command's name holds", () => {
    // pid (comm) state ppid pgrp session tty_nr tpgid …
    expect(terminalForeground(stat('100 (node) S 99 100 99 34816 100 4194304 0'))).toBe('foreground');
    expect(terminalForeground(stat('100 (node) S 99 100 99 34816 77 4194304 0'))).toBe('background');
    expect(terminalForeground(stat('100 (a (b) c) S 99 100 99 34816 77 4194304 0'))).toBe('background');
    // No controlling terminal: tpgid -1.
    expect(terminalForeground(stat('100 (node) S 99 100 99 0 -1 4194304 0'))).toBe('background');
    expect(terminalForeground(path.join(root, 'none'))).toBe('unknown');
  });
});
