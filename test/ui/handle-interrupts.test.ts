import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { handleInterrupts } from '../../src/ui/handle-interrupts.js';

describe('a second Ctrl-C', () => {
  it('exits once its last writes are done, or after the bound when they hang; a third exits at once', async () => {
    const exits: number[] = [];
    const hanging = handleInterrupts({
      onFirst: () => undefined,
      onSecond: () => new Promise<void>(() => undefined), // a database that does not answer
      exit: (code) => void exits.push(code),
      forcedExitWaitMs: 50,
    });
    try {
      hanging.trigger();
      expect(hanging.signal.aborted).toBe(true);
      hanging.trigger();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(exits).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(exits).toEqual([ExitCode.Interrupted]);
    } finally {
      hanging.dispose();
    }

    const impatient: number[] = [];
    const again = handleInterrupts({
      onFirst: () => undefined,
      onSecond: () => new Promise<void>(() => undefined),
      exit: (code) => void impatient.push(code),
    });
    try {
      again.trigger();
      again.trigger();
      again.trigger();
      expect(impatient).toEqual([ExitCode.Interrupted]);
    } finally {
      again.dispose();
    }
  });

  it('still exits with 130 when it comes after the interrupted run ended (the handlers disposed)', () => {
    const exits: number[] = [];
    const interrupts = handleInterrupts({ onFirst: () => undefined, exit: (code) => void exits.push(code) });
    interrupts.trigger();
    interrupts.dispose();
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([ExitCode.Interrupted]);

    // A run that was never interrupted leaves nothing behind: Ctrl-C is the next thing's own (the review's).
    const quiet: number[] = [];
    const before = process.listenerCount('SIGINT');
    const untouched = handleInterrupts({ onFirst: () => undefined, exit: (code) => void quiet.push(code) });
    untouched.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('a hangup (the terminal closed)', () => {
  it('stops the run as the first Ctrl-C does, and never exits at once, however often it comes', () => {
    const exits: number[] = [];
    const first: NodeJS.Signals[] = [];
    const interrupts = handleInterrupts({
      onFirst: (signal) => void first.push(signal),
      hangup: true,
      exit: (code) => void exits.push(code),
    });
    try {
      process.emit('SIGHUP', 'SIGHUP');
      process.emit('SIGHUP', 'SIGHUP');
      expect(interrupts.signal.aborted).toBe(true);
      expect(first).toEqual(['SIGHUP']);
      expect(exits).toEqual([]);
    } finally {
      interrupts.dispose();
    }
    // After the run: still not a reason to die while the summary is written.
    process.emit('SIGHUP', 'SIGHUP');
    expect(exits).toEqual([]);
  });

  it('is left alone without `hangup` (a log file reopened on it)', () => {
    const before = process.listenerCount('SIGHUP');
    const interrupts = handleInterrupts({ onFirst: () => undefined, exit: () => undefined });
    expect(process.listenerCount('SIGHUP')).toBe(before);
    interrupts.dispose();
  });
});
