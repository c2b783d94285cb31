import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PipelineEvent } from '../../src/core/pipeline/events.js';
import { Dashboard } from '../../src/ui/dashboard/dashboard.js';
import { initialDashboardState, reduceDashboard } from '../../src/ui/dashboard/dashboard-state.js';
import { createDashboardStore } from '../../src/ui/dashboard/dashboard-store.js';
import { LiveDashboard } from '../../src/ui/dashboard/live-dashboard.js';
import { describeFailure } from '../../src/adapters/extraction/describe-failure.js';
import { ES } from '../../src/ui/i18n/messages.js';
import { MessagesContext } from '../../src/ui/i18n/messages-context.js';
import { fileResult, totals } from './support/pipeline-events.js';

const started: PipelineEvent = {
  type: 'session_started',
  sessionId: 's1',
  sourceDir: '/srv/drop',
  totalFiles: 4,
  processingType: 'both',
};

function stateAfter(events: PipelineEvent[], now = 2_000) {
  return events.reduce(
    (s, event) => reduceDashboard(s, { type: 'event', event, now }),
    initialDashboardState(),
  );
}

afterEach(() => vi.useRealTimers());

describe('Dashboard', () => {
  it('shows progress, counts, throughput, files in flight and the latest errors within 80 columns', () => {
    const evil = '3000000001_EVIL\u001b[2J\u202eFDP_CONS.pdf';
    const state = stateAfter([
      { ...started },
      {
        type: 'file_started',
        fileId: 'x',
        relativePath: '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
      },
      { type: 'file_stage', fileId: 'x', relativePath: 'x', stage: 'extract' },
      {
        type: 'file_finished',
        result: fileResult('e', 'corrupt', { relativePath: evil, message: 'bad xref\u0007' }),
        totals: totals({ totalFiles: 4, processedFiles: 2, failedFiles: 1, pages: 3 }),
      },
    ]);
    const { lastFrame, unmount } = render(<Dashboard state={state} width={80} />);
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toContain('2/4 files');
    expect(frame).toContain('50%');
    expect(frame).toMatch(/failed 1/);
    expect(frame).toContain('extract');
    expect(frame).toContain('RÍOS CORONADO');
    expect(frame).toContain('corrupt PDF');
    // The escape sequence and the bidi override from the filename are shown, not obeyed.
    expect(frame).toContain('\\x1B[2J');
    expect(frame).toContain('\\u{202E}');
    expect(frame).not.toContain('\u001b[2J');
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it("lists each error's detail in the screen's language: Spanish under es, the core's words under en", () => {
    const message = describeFailure('encrypted', { detail: 'No password given' }).message;
    const state = stateAfter([
      started,
      {
        type: 'file_finished',
        result: fileResult('e', 'encrypted', { relativePath: 'a.pdf', message }),
        totals: totals({ totalFiles: 4, processedFiles: 1, failedFiles: 1 }),
      },
    ]);
    const spanish = render(
      <MessagesContext.Provider value={ES}>
        <Dashboard state={state} width={200} />
      </MessagesContext.Provider>,
    );
    expect(spanish.lastFrame()).toContain(
      '✗ a.pdf: PDF protegido con contraseña — el PDF está protegido con contraseña (cifrado); pida al remitente una copia sin protección (No password given)',
    );
    spanish.unmount();
    const english = render(<Dashboard state={state} width={200} />);
    expect(english.lastFrame()).toContain(`✗ a.pdf: password-protected PDF — ${message}`);
    english.unmount();
  });

  it('cuts a long error line at its end, after the whole file name and kind of failure', () => {
    const message = describeFailure('encrypted', { detail: 'No password given' }).message;
    const state = stateAfter([
      started,
      {
        type: 'file_finished',
        result: fileResult('e', 'encrypted', {
          relativePath: 'urgencias/3000003799_GARZA TIJERINA, MARIA_6001467010_CONS.pdf',
          message,
        }),
        totals: totals({ totalFiles: 4, processedFiles: 1, failedFiles: 1 }),
      },
    ]);
    const screen = render(<Dashboard state={state} width={120} />);
    const line = screen
      .lastFrame()!
      .split('\n')
      .find((l) => l.includes('✗'))!;
    expect(line).toContain(
      '✗ urgencias/3000003799_GARZA TIJERINA, MARIA_6001467010_CONS.pdf: password-protected PDF — ',
    );
    expect(line.trimEnd()).toMatch(/…$/);
    expect([...line].length).toBeLessThanOrEqual(120);
    screen.unmount();
    const narrow = render(<Dashboard state={state} width={60} />);
    const short = narrow
      .lastFrame()!
      .split('\n')
      .find((l) => l.includes('✗'))!;
    expect(short).toMatch(/✗ urgencias\/\S*…\S*_CONS\.pdf: password-protected/);
    expect([...short].length).toBeLessThanOrEqual(60);
    narrow.unmount();
  });

  it("shows the page a scan's OCR is on, in the screen's language, and drops it when the file moves on", () => {
    const scan = '3000768077_HUERTA SOTO, GABRIELA_6001000009_CONS.pdf';
    const reading = stateAfter([
      { ...started },
      { type: 'file_started', fileId: 'x', relativePath: scan },
      { type: 'file_stage', fileId: 'x', relativePath: scan, stage: 'extract' },
      {
        type: 'file_stage',
        fileId: 'x',
        relativePath: scan,
        stage: 'extract',
        ocrPage: { page: 12, pages: 30 },
      },
    ]);
    const english = render(<Dashboard state={reading} width={100} />);
    expect(english.lastFrame()).toContain(`extract    [OCR page 12/30] ${scan}`);
    english.unmount();
    const spanish = render(
      <MessagesContext.Provider value={ES}>
        <Dashboard state={reading} width={100} />
      </MessagesContext.Provider>,
    );
    expect(spanish.lastFrame()).toContain(`extracción [OCR página 12/30] ${scan}`);
    // The processing type in the title, in the screen's words too.
    expect(spanish.lastFrame()).toMatch(/ · ambos\n/);
    spanish.unmount();
    const chunking = reduceDashboard(reading, {
      type: 'event',
      event: { type: 'file_stage', fileId: 'x', relativePath: scan, stage: 'chunk' },
      now: 3_000,
    });
    const moved = render(<Dashboard state={chunking} width={100} />);
    expect(moved.lastFrame()).not.toContain('OCR page');
    moved.unmount();
  });

  it('shows the Ctrl-C notice while stopping, and a finished title at the end', () => {
    const stopping = reduceDashboard(stateAfter([started]), { type: 'stopping' });
    const first = render(<Dashboard state={stopping} width={80} />);
    expect(first.lastFrame()).toMatch(/Stopping: no new files are started[\s\S]*Press Ctrl-C\s+again/);
    first.unmount();
    const finished = stateAfter([
      started,
      {
        type: 'session_finished',
        sessionId: 's1',
        status: 'completed',
        totals: totals({ totalFiles: 4, processedFiles: 4 }),
        seconds: 1.25,
      },
    ]);
    const last = render(<Dashboard state={finished} width={80} />);
    expect(last.lastFrame()).toContain('Ingest completed in 1.3 s');
    expect(last.lastFrame()).toContain('4/4 files 100%');
    last.unmount();
  });

  it('redraws from the store at a bounded rate, not once per event', async () => {
    vi.useFakeTimers();
    const store = createDashboardStore({ intervalMs: 100, now: () => Date.now() });
    let notifications = 0;
    store.subscribe(() => notifications++);
    store.dispatch(started);
    for (let i = 0; i < 500; i++) {
      store.dispatch({ type: 'file_started', fileId: `f${i}`, relativePath: `f${i}.pdf` });
    }
    expect(notifications).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(notifications).toBe(1);
    expect(store.getState().inFlight).toHaveLength(500);
    store.dispatch({
      type: 'session_finished',
      sessionId: 's1',
      status: 'completed',
      totals: totals(),
      seconds: 1,
    });
    expect(notifications).toBe(2); // the end is shown at once
    store.dispose();
  });

  it('LiveDashboard: Ctrl-C pressed twice while the run kept the process busy (one read) interrupts twice', async () => {
    const store = createDashboardStore({ intervalMs: 1 });
    const onInterrupt = vi.fn();
    const { lastFrame, stdin, unmount } = render(<LiveDashboard store={store} onInterrupt={onInterrupt} />);
    store.dispatch(started);
    await vi.waitFor(() => expect(lastFrame()).toContain('Ingesting /srv/drop'));
    stdin.write('\u0003');
    await vi.waitFor(() => expect(onInterrupt).toHaveBeenCalledTimes(1));
    stdin.write('\u0003\u0003');
    await vi.waitFor(() => expect(onInterrupt).toHaveBeenCalledTimes(3));
    stdin.write('1r');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onInterrupt).toHaveBeenCalledTimes(3);
    unmount();
    store.dispose();
  });

  it('LiveDashboard renders what the store holds', async () => {
    const store = createDashboardStore({ intervalMs: 1 });
    const { lastFrame, unmount } = render(<LiveDashboard store={store} />);
    store.dispatch(started);
    await vi.waitFor(() => expect(lastFrame()).toContain('Ingesting /srv/drop'));
    unmount();
    store.dispose();
  });
});
