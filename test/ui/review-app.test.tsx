import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { ReviewWalk } from '../../src/app/review-walk.js';
import type { PipelineEvent } from '../../src/core/pipeline/events.js';
import { Dashboard, dashboardBudget } from '../../src/ui/dashboard/dashboard.js';
import { initialDashboardState, reduceDashboard } from '../../src/ui/dashboard/dashboard-state.js';
import { ES } from '../../src/ui/i18n/messages.js';
import { MessagesContext } from '../../src/ui/i18n/messages-context.js';
import { dashboardKey, reviewKey } from '../../src/ui/key-bindings.js';
import { ReviewApp } from '../../src/ui/review/review-app.js';
import {
  ENTER_ALTERNATE_SCREEN,
  LEAVE_ALTERNATE_SCREEN,
  enterAlternateScreen,
} from '../../src/ui/terminal/alternate-screen.js';
import { fileResult, totals } from './support/pipeline-events.js';
import { fakeService, fourCandidateCase, pendingOf } from './support/review-cases.js';

describe('ReviewApp', () => {
  it('turns keys into decisions: a refusal, a confirmed risky attach, undo, skip, reject, quit', async () => {
    const cases = [fourCandidateCase(), fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf' })];
    const { service, calls } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0 });
    const { lastFrame, stdin, unmount } = render(
      <ReviewApp walk={walk} reviewer="ana" onClosed={() => undefined} />,
    );
    const frame = () => lastFrame() ?? '';
    await walk.start();
    await vi.waitFor(() => expect(frame()).toContain('Review 1 of 2'));

    stdin.write('n');
    await vi.waitFor(() => expect(frame()).toContain('✗ expediente 3000576011 already belongs to'));
    stdin.write('2');
    await vi.waitFor(() => expect(frame()).toContain('y attach · any other key cancels'));
    stdin.write('x');
    await vi.waitFor(() => expect(frame()).toMatch(/cancel/i));
    expect(walk.getState().phase).toBe('reviewing');
    stdin.write('2');
    await vi.waitFor(() => expect(walk.getState().phase).toBe('confirming'));
    stdin.write('y');
    await vi.waitFor(() => expect(frame()).toContain('Review 2 of 2'));
    stdin.write('u');
    await vi.waitFor(() => expect(walk.getState()).toMatchObject({ position: 0, phase: 'reviewing' }));
    stdin.write('s');
    await vi.waitFor(() => expect(walk.getState().position).toBe(1));
    stdin.write('r');
    await vi.waitFor(() => expect(walk.getState().phase).toBe('done'));
    stdin.write('q');
    await walk.closed();
    expect(calls).toEqual(['new_patient:f1', 'attach2:f1', 'undo', 'skip:f1', 'reject:f2', 'close']);
    unmount();
  });

  it('opens the help over the case and speaks the context language', async () => {
    const cases = [fourCandidateCase()];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    const { lastFrame, stdin, unmount } = render(
      <MessagesContext.Provider value={ES}>
        <ReviewApp walk={walk} onClosed={() => undefined} />
      </MessagesContext.Provider>,
    );
    await walk.start();
    await vi.waitFor(() => expect(lastFrame()).toContain('Revisión 1 de 1'));
    stdin.write('?');
    await vi.waitFor(() => expect(lastFrame()).toContain(ES.helpTitle));
    expect(lastFrame()).toContain('Revisión 1 de 1'); // the header stays
    unmount();
  });
});

describe('ReviewApp on a small terminal', () => {
  it('attaches only to a candidate that was on screen: the first key brings them into view', async () => {
    const cases = [fourCandidateCase()];
    const { service, calls } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0 });
    const { lastFrame, stdin, stdout, unmount } = render(
      <ReviewApp walk={walk} reviewer="ana" onClosed={() => undefined} />,
    );
    const frame = () => lastFrame() ?? '';
    // 40×12 from before the case appears: its evidence fills the few rows, the candidates are below it.
    Object.defineProperty(stdout, 'columns', { value: 40 });
    Object.defineProperty(stdout, 'rows', { value: 12 });
    stdout.emit('resize');
    await walk.start();
    await vi.waitFor(() => expect(frame()).toContain('Review 1 of 1'));
    expect(frame()).not.toContain('3000147773');

    stdin.write('1');
    await vi.waitFor(() =>
      expect(frame()).toMatch(/nothing attached:\s+candidate\s+1\s+not\s+on\s+screen\s+yet/),
    );
    expect(frame()).toContain('3000147773'); // brought into view
    expect(calls).toEqual([]);
    stdin.write('1');
    await vi.waitFor(() => expect(calls).toEqual(['attach1:f1']));
    unmount();
  });
});

describe('ReviewApp confirming on a small terminal', () => {
  it('a `y` before every reason of the confirmation was on screen attaches nothing; read through (↓), it attaches', async () => {
    const cases = [fourCandidateCase()];
    const { service, calls } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0 });
    const { lastFrame, stdin, stdout, unmount } = render(
      <ReviewApp walk={walk} reviewer="ana" onClosed={() => undefined} />,
    );
    const frame = () => lastFrame() ?? '';
    const flat = () => frame().replace(/\s+/g, ' ');
    Object.defineProperty(stdout, 'columns', { value: 60 });
    Object.defineProperty(stdout, 'rows', { value: 15 });
    stdout.emit('resize');
    await walk.start();
    await vi.waitFor(() => expect(frame()).toContain('Review 1 of 1'));
    stdin.write('2'); // brings candidate 2 into view
    await vi.waitFor(() => expect(flat()).toContain('candidate 2 not on screen yet'));
    stdin.write('2');
    await vi.waitFor(() => expect(frame()).toContain('Attach this document to candidate 2?'));
    // The title and the identities fill the few rows: the candidate's own row and the reasons are below.
    expect(frame()).not.toContain('Candidate 2:');
    expect(frame()).not.toMatch(/sex F differs/);

    stdin.write('y');
    await vi.waitFor(() =>
      expect(flat()).toContain('nothing attached: read every reason (↓) before confirming'),
    );
    expect(calls).toEqual([]);
    expect(walk.getState().phase).toBe('confirming');
    // It scrolled on to what was not read: the candidate's row first.
    expect(frame()).toContain('Candidate 2:');

    // Read to the end, a row at a time.
    for (let i = 0; i < 30 && !/sex F differs/.test(frame()); i++) {
      const before = frame();
      stdin.write('\u001B[B');
      await vi.waitFor(() => expect(frame()).not.toBe(before));
    }
    expect(frame()).toMatch(/sex F differs/);
    expect(calls).toEqual([]);
    stdin.write('y');
    await vi.waitFor(() => expect(calls).toEqual(['attach2:f1']));
    unmount();
  });
});

describe('ReviewApp with 300 pending cases', () => {
  it('keys read together in the list (End Enter, Home ↓ ↓ Enter) open the case the cursor went to', async () => {
    const cases = Array.from({ length: 300 }, (_, i) =>
      fourCandidateCase({ fileId: `f${i + 1}`, relativePath: `c${i + 1}.pdf` }),
    );
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    const { lastFrame, stdin, unmount } = render(
      <MessagesContext.Provider value={ES}>
        <ReviewApp walk={walk} onClosed={() => undefined} />
      </MessagesContext.Provider>,
    );
    const frame = () => lastFrame() ?? '';
    await walk.start();
    await vi.waitFor(() => expect(frame()).toContain('Revisión 1 de 300'));
    stdin.write('l');
    await vi.waitFor(() => expect(frame()).toContain('Casos pendientes (300)'));
    // One write is one read of the terminal: Ink hands the keys to the handler before drawing the first.
    stdin.write('\u001B[F\r'); // End, Enter
    await vi.waitFor(() => expect(frame()).toContain('Revisión 300 de 300'));
    stdin.write('l');
    await vi.waitFor(() => expect(frame()).toMatch(/^▶ 300/m));
    stdin.write('\u001B[H\u001B[B\u001B[B\r'); // Home, ↓, ↓, Enter
    await vi.waitFor(() => expect(frame()).toContain('Revisión 3 de 300'));
    unmount();
  });
});

describe('key bindings', () => {
  const mode = { confirming: false, overlay: 'none' as const };
  it('maps the review keys, and while confirming only y confirms', () => {
    expect(reviewKey('3', {}, mode)).toEqual({ kind: 'walk', action: { type: 'attach', candidate: 3 } });
    expect(reviewKey('0', {}, mode)).toBeNull();
    expect(reviewKey('z', {}, mode)).toBeNull();
    expect(reviewKey('c', { ctrl: true }, mode)).toEqual({ kind: 'interrupt' });
    // Ctrl-C pressed twice while busy: one read, which Ink passes on as text.
    expect(reviewKey('\u0003\u0003', {}, mode)).toEqual({ kind: 'interrupt' });
    expect(reviewKey('\u0003\u0003', {}, { ...mode, confirming: true })).toEqual({ kind: 'interrupt' });
    expect(reviewKey('', { pageDown: true }, mode)).toEqual({
      kind: 'view',
      action: { type: 'scroll', by: 'page', direction: 1 },
    });
    expect(reviewKey('', { leftArrow: true }, mode)).toEqual({ kind: 'walk', action: { type: 'previous' } });
    expect(reviewKey('y', {}, { ...mode, confirming: true })).toEqual({
      kind: 'walk',
      action: { type: 'confirm' },
    });
    expect(reviewKey('1', {}, { ...mode, confirming: true })).toEqual({
      kind: 'walk',
      action: { type: 'cancel' },
    });
    // Reading a confirmation longer than the screen does not cancel it.
    expect(reviewKey('', { downArrow: true }, { ...mode, confirming: true })).toEqual({
      kind: 'view',
      action: { type: 'scroll', by: 'line', direction: 1 },
    });
    expect(reviewKey(' ', {}, { ...mode, confirming: true })).toEqual({
      kind: 'walk',
      action: { type: 'cancel' },
    });
    expect(reviewKey('r', {}, { ...mode, overlay: 'help' })).toBeNull(); // no decision behind the help
    const list = { ...mode, overlay: 'list' as const };
    expect(reviewKey('', { end: true }, list)).toEqual({
      kind: 'view',
      action: { type: 'list_move', by: Infinity },
    });
    expect(reviewKey('g', {}, list)).toEqual({ kind: 'view', action: { type: 'list_move', by: -Infinity } });
    // `j` held down in the list, read at once: the cursor moves as many rows (moving decides nothing).
    expect(reviewKey('jjjj', {}, list)).toEqual({ kind: 'view', action: { type: 'list_move', by: 4 } });
    expect(reviewKey('kk', {}, list)).toEqual({ kind: 'view', action: { type: 'list_move', by: -2 } });
    // A key pressed again before one read of the terminal: it acts once, the repeat was typed unseen.
    expect(reviewKey('rr', {}, mode)).toEqual({ kind: 'walk', action: { type: 'reject' } });
    // Different keys together are typing or a paste: a pasted expediente attaches to nobody.
    expect(reviewKey('3000576011', {}, mode)).toBeNull();
    expect(reviewKey('1y', {}, mode)).toBeNull();
    expect(reviewKey('yy', {}, { ...mode, confirming: true })).toEqual({
      kind: 'walk',
      action: { type: 'confirm' },
    });
    expect(reviewKey('\r\r', {}, { ...mode, overlay: 'list' })).toEqual({
      kind: 'view',
      action: { type: 'list_open' },
    });
  });

  it('the dashboard swallows every key but Ctrl-C', () => {
    expect(dashboardKey('1', {})).toBeNull();
    expect(dashboardKey('c', { ctrl: true })).toEqual({ kind: 'interrupt', times: 1 });
    expect(dashboardKey('\u0003\u0003', {})).toEqual({ kind: 'interrupt', times: 2 });
  });
});

describe('alternate screen', () => {
  it('switches back on leave, on exit and on a signal nobody else handles (raised again)', () => {
    const written: string[] = [];
    const stdout = { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream;
    const proc = Object.assign(new EventEmitter(), { pid: 42, kill: vi.fn() });
    const screen = enterAlternateScreen(stdout, proc as never);
    expect(written[0]).toContain(ENTER_ALTERNATE_SCREEN);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(written.at(-1)).toContain(LEAVE_ALTERNATE_SCREEN);
    expect(proc.kill).toHaveBeenCalledWith(42, 'SIGTERM');
    screen.leave(); // safe twice
    expect(written.filter((s) => s.includes(LEAVE_ALTERNATE_SCREEN))).toHaveLength(1);
    expect(proc.listenerCount('exit')).toBe(0);

    const again = enterAlternateScreen(stdout, proc as never);
    proc.emit('exit');
    expect(written.filter((s) => s.includes(LEAVE_ALTERNATE_SCREEN))).toHaveLength(2);
    again.leave();
  });
});

describe('dashboard row budget', () => {
  it('never draws a frame as tall as the terminal: the lists give up rows first', () => {
    const events: PipelineEvent[] = [
      {
        type: 'session_started',
        sessionId: 's1',
        sourceDir: '/srv/drop',
        totalFiles: 40,
        processingType: 'both',
      },
    ];
    for (let i = 0; i < 12; i++)
      events.push({ type: 'file_started', fileId: `x${i}`, relativePath: `in-flight-${i}.pdf` });
    for (let i = 0; i < 9; i++) {
      events.push({
        type: 'file_finished',
        result: fileResult(`e${i}`, 'corrupt', { relativePath: `broken-${i}.pdf`, message: 'bad xref' }),
        totals: totals({ totalFiles: 40, processedFiles: i + 1, failedFiles: i + 1 }),
      });
    }
    let state = events.reduce(
      (s, event) => reduceDashboard(s, { type: 'event', event, now: 1_000 }),
      initialDashboardState(),
    );
    for (const stopping of [false, true]) {
      if (stopping) state = reduceDashboard(state, { type: 'stopping' });
      for (const rows of [12, 20, 24, 30]) {
        const { lastFrame, unmount } = render(<Dashboard state={state} width={79} rows={rows} />);
        const lines = (lastFrame() ?? '').split('\n');
        unmount();
        expect(lines.length).toBeLessThanOrEqual(rows - 1);
        expect(lines[0]).toMatch(/Ingesting|Ingest/);
      }
    }
    expect(dashboardBudget(state, 60, 6).errors).toBeGreaterThan(0);
  });
});
