import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { survivesTerminalHangup } from '../../src/ui/terminal/terminal-input-errors.js';

/** What Node's tty.ReadStream does when the terminal hung up: setRawMode emits EIO instead of throwing. */
function hungUpTerminalInput(): NodeJS.ReadStream {
  const stream = new PassThrough() as unknown as NodeJS.ReadStream;
  stream.setRawMode = () => {
    stream.emit('error', Object.assign(new Error('setRawMode EIO'), { code: 'EIO', syscall: 'setRawMode' }));
    return stream;
  };
  return stream;
}

describe('the input of a terminal that hung up', () => {
  it('ends a process that switches its raw mode when nothing listens (what the guard prevents)', () => {
    expect(() => hungUpTerminalInput().setRawMode(false)).toThrow('setRawMode EIO');
  });

  it('is no crash once guarded, however many times raw mode is switched', () => {
    const stdin = hungUpTerminalInput();
    survivesTerminalHangup(stdin);
    survivesTerminalHangup(stdin);
    expect(() => {
      stdin.setRawMode(true);
      stdin.setRawMode(false);
    }).not.toThrow();
    expect(stdin.listenerCount('error')).toBe(1);
  });
});
