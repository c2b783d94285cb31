import { spawn } from 'node:child_process';

export type PdftotextAvailability = { available: boolean; version?: string };

/** Whether poppler's pdftotext can be run, and which version (it prints it on stderr for `-v`). */
export function isPdftotextAvailable(command = 'pdftotext'): Promise<PdftotextAvailability> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', () => resolve({ available: false }));
    child.on('close', () => {
      const version = /pdftotext version (\S+)/.exec(output)?.[1];
      resolve(version === undefined ? { available: false } : { available: true, version });
    });
  });
}
