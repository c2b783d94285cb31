import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/process-alive.js';

describe('isProcessAlive', () => {
  it('says a running process runs and a finished one does not', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    expect(isProcessAlive(child.pid!)).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'counts a killed process its parent never reaped as gone',
    async () => {
      // `sh` starts a short child and becomes `sleep` (exec), which never waits: once the child ends, it stays
      // a zombie until its parent does.
      const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const [line] = (await once(parent.stdout, 'data')) as [Buffer];
        const zombie = Number(line.toString().trim());
        expect(isProcessAlive(zombie)).toBe(true);
        await expect.poll(() => isProcessAlive(zombie), { timeout: 5_000 }).toBe(false);
        // Signal 0 alone still answers for it: what the check is for.
        expect(() => process.kill(zombie, 0)).not.toThrow();
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );
});
