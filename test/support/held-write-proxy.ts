import { startHttpFaultProxy } from './http-fault-proxy.js';

/**
 * A proxy of the test's own in front of Chroma that passes everything on, but holds back the answer to the
 * first POST whose path matches: the write is done, the client does not know it yet. A test then lets it go,
 * or kills the client there — between its vectors and its rows.
 */
export interface HeldWriteProxy {
  url: string;
  /** Resolves once Chroma has applied the held write (its answer is being held). */
  written: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

export async function startHeldWriteProxy(target: string, path: RegExp): Promise<HeldWriteProxy> {
  let held = false;
  let written!: () => void;
  const writtenOnce = new Promise<void>((resolve) => (written = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const proxy = await startHttpFaultProxy({
    target,
    answer: () => null,
    beforeAnswering: async (request) => {
      if (held || request.method !== 'POST' || !path.test(request.path)) return;
      held = true;
      written();
      await released;
    },
  });
  return { url: proxy.url, written: writtenOnce, release, close: () => proxy.close() };
}
