import { describe, expect, it } from 'vitest';
import { ReviewWalk } from '../../src/app/review-walk.js';
import type { ReviewService } from '../../src/review/review-service.js';
import { fakeService, fourCandidateCase, pendingOf } from './support/review-cases.js';

/** A walk over two cases on a clock the test moves by hand. */
function setup(guardMs = 400) {
  const cases = [
    fourCandidateCase(),
    fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf', idConflict: false }),
  ];
  const { service, calls } = fakeService(cases);
  let now = 1_000;
  const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs, now: () => now });
  return { walk, calls, advance: (ms: number) => (now += ms) };
}

describe('ReviewWalk', () => {
  it('ignores keys while a case loads and for a moment after it appears: nothing is decided unseen', async () => {
    const { walk, calls, advance } = setup();
    expect(walk.acceptsKeys()).toBe(false); // nothing shown yet
    await walk.perform({ type: 'reject' });
    await walk.start();
    expect(walk.getState().phase).toBe('reviewing');
    // Typed ahead: arrives the instant the case is drawn.
    await walk.perform({ type: 'attach', candidate: 1 });
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual([]);
    expect(walk.getState().position).toBe(0);
    advance(400);
    await walk.perform({ type: 'skip' });
    expect(calls).toEqual(['skip:f1']);
    // The next case has its own guard.
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual(['skip:f1']);
  });

  it('moves to another case at once after one appears: browsing decides nothing, the case it shows is guarded', async () => {
    const { walk, calls } = setup();
    await walk.start();
    expect(walk.acceptsKeys()).toBe(false);
    expect(walk.acceptsMoves()).toBe(true);
    await walk.perform({ type: 'next' });
    expect(walk.getState().position).toBe(1);
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual([]);
    await walk.perform({ type: 'previous' });
    expect(walk.getState().position).toBe(0);
    await walk.perform({ type: 'goto', position: 1 });
    expect(walk.getState().position).toBe(1);
    expect(calls).toEqual([]);
  });

  it('a key held down decides nothing: its repeats keep the case guarded until the keys stop', async () => {
    const { walk, calls, advance } = setup();
    await walk.start();
    advance(500);
    await walk.perform({ type: 'reject' }); // pressed deliberately: the first case is rejected
    expect(calls).toEqual(['reject:f1']);
    // …and held: the terminal repeats it every 30 ms for two seconds, over the next case.
    for (let t = 0; t < 2_000; t += 30) {
      advance(30);
      await walk.perform({ type: 'reject' });
    }
    expect(calls).toEqual(['reject:f1']);
    expect(walk.getState().position).toBe(1);
    // Released, read, pressed again: that one acts.
    advance(400);
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual(['reject:f1', 'reject:f2']);
  });

  it('counts the moment from when the screen drew the case: keys read after a busy spell were typed unseen', async () => {
    const { walk, calls, advance } = setup();
    await walk.start();
    advance(600); // the process was busy laying out a long case: drawn only now, the keys typed meanwhile read now
    walk.drawn();
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual([]);
    advance(400);
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual(['reject:f1']);
  });

  it('asks for `y` before attaching to a risky candidate; any other key cancels', async () => {
    const { walk, calls, advance } = setup();
    await walk.start();
    advance(500);
    await walk.perform({ type: 'attach', candidate: 2 }); // the expediente's owner: clearly another person
    const state = walk.getState();
    expect(state.phase).toBe('confirming');
    expect(state.confirm?.candidate.expediente).toBe('3000576011');
    expect(state.confirm?.risks).toContain('id_conflict');
    expect(calls).toEqual([]);
    // A `y` typed together with the `2` must not confirm it: the confirmation has its own guard.
    await walk.perform({ type: 'confirm' });
    expect(walk.getState().phase).toBe('confirming');
    advance(500);
    await walk.perform({ type: 'cancel' });
    expect(walk.getState()).toMatchObject({
      phase: 'reviewing',
      confirm: null,
      notice: { notice: { code: 'confirm_cancelled' } },
    });
    expect(calls).toEqual([]);

    await walk.perform({ type: 'attach', candidate: 2 });
    advance(500);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual(['attach2:f1']);
    expect(walk.getState().position).toBe(1);
  });

  it("a confirmation's `y` acts only once the candidate and every reason have been on screen for a moment", async () => {
    const { walk, calls, advance } = setup();
    walk.watchOnScreen(); // a screen shows the walk: it reports what it drew
    await walk.start();
    walk.markShown('f1', [1, 2]);
    advance(500);
    await walk.perform({ type: 'attach', candidate: 2 });
    const confirm = walk.getState().confirm!;
    expect(confirm.risks).toEqual([
      'id_conflict',
      'below_review_threshold',
      'birth_date_contradicts',
      'sex_contradicts',
    ]);
    // A small terminal: the title and the two identities are on screen, the candidate's row and the reasons below.
    walk.markConfirmShown(confirm, []);
    advance(500);
    expect(walk.confirmPartsUnseen()).toEqual(['candidate', ...confirm.risks]);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual([]);
    expect(walk.getState()).toMatchObject({
      phase: 'confirming',
      confirm,
      notice: { tone: 'info', notice: { code: 'confirm_unread', action: 'attach' } },
    });
    // Scrolled on: the candidate and the first two reasons, long enough ago; the last two only a moment ago.
    walk.markConfirmShown(confirm, ['candidate', 'id_conflict', 'below_review_threshold']);
    advance(500);
    walk.markConfirmShown(confirm, ['birth_date_contradicts']);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual([]);
    expect(walk.confirmPartsUnseen()).toEqual(['sex_contradicts']);
    walk.markConfirmShown(confirm, ['sex_contradicts']);
    advance(100);
    await walk.perform({ type: 'confirm' }); // the last reason has just appeared: not read yet
    expect(calls).toEqual([]);
    expect(walk.getState().phase).toBe('confirming');
    advance(400);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual(['attach2:f1']);
  });

  it('a `y` held down over a refused confirmation stays dropped; a report for another confirmation counts for nothing', async () => {
    const { walk, calls, advance } = setup();
    walk.watchOnScreen();
    await walk.start();
    walk.markShown('f1', [2]);
    advance(500);
    await walk.perform({ type: 'attach', candidate: 2 });
    const first = walk.getState().confirm!;
    advance(500);
    await walk.perform({ type: 'confirm' }); // refused: nothing of it read
    expect(walk.getState().notice).toMatchObject({ notice: { code: 'confirm_unread' } });
    // Held: its repeats come every 30 ms while the screen scrolls through the reasons.
    walk.markConfirmShown(first, ['candidate', ...first.risks]);
    for (let t = 0; t < 1_500; t += 30) {
      advance(30);
      await walk.perform({ type: 'confirm' });
    }
    expect(calls).toEqual([]);
    // Cancelled and opened again: what the first one showed does not count for the second.
    advance(500);
    await walk.perform({ type: 'cancel' });
    advance(500);
    await walk.perform({ type: 'attach', candidate: 2 });
    const second = walk.getState().confirm!;
    expect(second).not.toBe(first);
    walk.markConfirmShown(first, ['candidate', ...first.risks]);
    advance(500);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual([]);
    walk.markConfirmShown(second, ['candidate', ...second.risks]);
    advance(500);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual(['attach2:f1']);
  });

  it('a digit held down over a candidate it scrolled into view attaches nothing until the keys stop', async () => {
    const { walk, calls, advance } = setup();
    walk.watchOnScreen();
    await walk.start();
    walk.markShown('f1', [1]); // a small terminal: candidate 3 (no risk: one key attaches) is below the fold
    advance(500);
    await walk.perform({ type: 'attach', candidate: 3 });
    expect(walk.getState().notice).toMatchObject({ notice: { code: 'candidate_not_shown', candidate: 3 } });
    // The screen scrolls it in; the key held repeats every 30 ms for 1.5 s, well past the moment it has been shown.
    walk.markShown('f1', [3]);
    for (let t = 0; t < 1_500; t += 30) {
      advance(30);
      await walk.perform({ type: 'attach', candidate: 3 });
    }
    expect(calls).toEqual([]);
    // Let go, read, pressed again: it attaches.
    advance(500);
    await walk.perform({ type: 'attach', candidate: 3 });
    expect(calls).toEqual(['attach3:f1']);
  });

  it('a refusal for a candidate not on screen yet holds only the digits: `q` right after it quits', async () => {
    const { walk, advance } = setup();
    walk.watchOnScreen();
    await walk.start();
    walk.markShown('f1', [1]);
    advance(500);
    await walk.perform({ type: 'attach', candidate: 3 });
    expect(walk.getState().notice).toMatchObject({ notice: { code: 'candidate_not_shown' } });
    advance(50);
    await walk.perform({ type: 'quit' });
    expect(walk.getState().phase).toBe('closed');
  });

  it('asks for `y` before a new patient when the document names a registry patient', async () => {
    const cases = [fourCandidateCase({ idConflict: false, expedienteOwner: null })];
    const named = cases[0]!.evidence[0]!;
    cases[0] = { ...cases[0]!, documentPatientId: named.patientId };
    const { service, calls } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    await walk.perform({ type: 'new_patient' });
    expect(walk.getState()).toMatchObject({
      phase: 'confirming',
      confirm: {
        action: 'new_patient',
        candidate: { patientId: named.patientId },
        risks: ['document_names_registry_patient'],
      },
    });
    expect(calls).toEqual([]);
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual(['new_patient:f1']);
  });

  it('attaches at once to a candidate without risks', async () => {
    const { walk, calls, advance } = setup(0);
    await walk.start();
    advance(1);
    await walk.perform({ type: 'attach', candidate: 1 });
    expect(calls).toEqual(['attach1:f1']);
    expect(walk.getState().tally).toMatchObject({ attached: 1, remaining: 1, walked: 2, total: 2 });
  });

  it('counts distinct files: a file skipped twice is one skip, and quitting early says what remains', async () => {
    const { walk, advance } = setup(0);
    await walk.start();
    advance(1);
    await walk.perform({ type: 'skip' });
    await walk.perform({ type: 'previous' });
    expect(walk.getState().position).toBe(0);
    await walk.perform({ type: 'skip' });
    expect(walk.getState().tally).toMatchObject({ skipped: 1, walked: 2, remaining: 2, total: 2 });
    await walk.perform({ type: 'reject' });
    expect(walk.getState().phase).toBe('done');
    expect(walk.getState().tally).toMatchObject({ skipped: 1, rejected: 1, walked: 2, remaining: 1 });
    expect(walk.getState().entries.map((e) => e.status)).toEqual(['skipped', 'rejected']);
  });

  it('undo brings the file back and its tally down; previous/next/goto browse without deciding', async () => {
    const { walk, calls, advance } = setup(0);
    await walk.start();
    advance(1);
    await walk.perform({ type: 'next' });
    expect(walk.getState().position).toBe(1);
    await walk.perform({ type: 'goto', position: 0 });
    await walk.perform({ type: 'reject' });
    expect(walk.getState().tally.rejected).toBe(1);
    await walk.perform({ type: 'undo' });
    expect(walk.getState()).toMatchObject({ position: 0, tally: { rejected: 0, remaining: 2 } });
    expect(calls).toEqual(['reject:f1', 'undo']);
  });

  it('a refusal keeps the case on screen with its reason; quit and interrupt close the sitting', async () => {
    const { walk, calls, advance } = setup(0);
    await walk.start();
    advance(1);
    await walk.perform({ type: 'new_patient' });
    expect(walk.getState()).toMatchObject({ position: 0, phase: 'reviewing', notice: { tone: 'error' } });
    expect(walk.interrupted()).toBe(false);
    await walk.interrupt();
    await walk.closed();
    expect(walk.getState().phase).toBe('closed');
    expect(walk.interrupted()).toBe(true); // the command exits 130, not 2
    expect(calls).toEqual(['new_patient:f1', 'close']);
  });

  it('q ends the sitting without counting as an interrupt (the command exits 2 or 0, not 130)', async () => {
    const { walk, advance } = setup(0);
    await walk.start();
    advance(1);
    await walk.perform({ type: 'quit' });
    await walk.closed();
    expect(walk.interrupted()).toBe(false);
  });

  it('reads again which files another sitting settled: the list says by whom, the case on screen says so', async () => {
    const cases = [
      fourCandidateCase(),
      fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf', idConflict: false }),
      fourCandidateCase({ fileId: 'f3', relativePath: 'c/third.pdf', idConflict: false }),
    ];
    const { service, calls, settledElsewhere } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    await walk.perform({ type: 'skip' }); // f1 skipped here
    let redraws = 0;
    walk.subscribe(() => redraws++);
    // Nothing changed elsewhere: nothing is redrawn.
    await walk.refreshSettled();
    expect(redraws).toBe(0);
    // Another reviewer rejects f1 (skipped here) and f2 (the case on screen).
    settledElsewhere.set('f1', { status: 'rejected', by: 'bob' });
    settledElsewhere.set('f2', { status: 'matched', by: 'bob' });
    await walk.refreshSettled();
    expect(redraws).toBe(1);
    const state = walk.getState();
    expect(state.entries.map((e) => [e.status, e.settled?.by ?? null])).toEqual([
      ['settled_elsewhere', 'bob'],
      ['settled_elsewhere', 'bob'],
      ['pending', null],
    ]);
    // The case on screen says so; its candidates are those the reviewer read.
    expect(state.current).toMatchObject({ fileId: 'f2', settledElsewhere: { status: 'matched', by: 'bob' } });
    expect(state.current?.evidence).toBe(cases[1]!.evidence);
    expect(state.tally).toMatchObject({ skipped: 0, remaining: 1 });
    // Reopened elsewhere: it waits again.
    settledElsewhere.delete('f2');
    await walk.refreshSettled();
    expect(walk.getState().entries[1]!.status).toBe('pending');
    expect(walk.getState().current?.settledElsewhere).toBeNull();
    expect(calls).toEqual(['skip:f1']);
  });

  it('a case read while another sitting was deciding it no longer says so once that sitting settled it', async () => {
    const cases = [
      fourCandidateCase({ idConflict: false, decidingElsewhere: { by: 'ana' } }),
      fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf', idConflict: false }),
    ];
    const { service, settledElsewhere } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    expect(walk.getState().current?.decidingElsewhere).toEqual({ by: 'ana' });
    settledElsewhere.set('f1', { status: 'matched', by: 'ana' });
    await walk.refreshSettled();
    expect(walk.getState().current).toMatchObject({
      settledElsewhere: { status: 'matched', by: 'ana' },
      decidingElsewhere: null,
    });
  });

  it('a confirmation open on a case another sitting settled closes, saying so; its `y` then does nothing', async () => {
    const cases = [fourCandidateCase()];
    const { service, calls, settledElsewhere } = fakeService(cases);
    let now = 1_000;
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 400, now: () => now });
    await walk.start();
    now += 500;
    await walk.perform({ type: 'attach', candidate: 2 }); // a risky candidate: asks for `y`
    expect(walk.getState().phase).toBe('confirming');
    now += 500;
    settledElsewhere.set('f1', { status: 'rejected', by: 'bob' });
    await walk.refreshSettled();
    expect(walk.getState()).toMatchObject({
      phase: 'reviewing',
      confirm: null,
      notice: { tone: 'error', notice: { code: 'settled_meanwhile', status: 'rejected', by: 'bob' } },
      current: { settledElsewhere: { status: 'rejected', by: 'bob' } },
    });
    await walk.perform({ type: 'confirm' });
    now += 400;
    await walk.perform({ type: 'confirm' });
    expect(calls).toEqual([]);
  });

  it('a new patient refused for an expediente the case knew no owner of loads the case again, the owner now among it', async () => {
    const cases = [fourCandidateCase({ expedienteOwner: null, idConflict: false })];
    const { service, calls } = fakeService(cases);
    let loads = 0;
    const load = service.loadCase;
    service.loadCase = async (fileId: string) => {
      loads++;
      return load(fileId);
    };
    let now = 1_000;
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 400, now: () => now });
    await walk.start();
    now += 500;
    await walk.perform({ type: 'new_patient' }); // registered meanwhile: refused
    expect(loads).toBe(2);
    expect(walk.getState()).toMatchObject({
      phase: 'reviewing',
      position: 0,
      notice: { tone: 'error', notice: { code: 'expediente_taken', expediente: '3000576011' } },
    });
    // Loaded again: its keys wait, as for any case just shown.
    await walk.perform({ type: 'reject' });
    expect(calls).toEqual(['new_patient:f1']);
    // A case that showed the owner all along is not loaded again for the same refusal.
    const known = [fourCandidateCase()];
    const second = fakeService(known);
    const walkKnown = new ReviewWalk(second.service, known.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walkKnown.start();
    const before = walkKnown.getState().current;
    await walkKnown.perform({ type: 'new_patient' });
    expect(walkKnown.getState().current).toBe(before);
  });

  it('a case refused as settled meanwhile no longer says another sitting is deciding it', async () => {
    const cases = [fourCandidateCase({ idConflict: false, decidingElsewhere: { by: 'ana' } })];
    const { service } = fakeService(cases);
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    refuseAsSettledBy(service, 'ana');
    await walk.perform({ type: 'reject' });
    expect(walk.getState().current).toMatchObject({
      settledElsewhere: { status: 'matched', by: 'ana' },
      decidingElsewhere: null,
    });
  });

  it('a case that arrives settled, or a decision refused as settled meanwhile, marks its list row too', async () => {
    const cases = [
      fourCandidateCase({ idConflict: false }),
      fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf', idConflict: false }),
    ];
    const { service, settledElsewhere } = fakeService(cases);
    settledElsewhere.set('f2', { status: 'rejected', by: 'bob' });
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    await walk.perform({ type: 'next' });
    expect(walk.getState().entries[1]).toMatchObject({ status: 'settled_elsewhere', settled: { by: 'bob' } });
    refuseAsSettledBy(service, 'carla');
    await walk.perform({ type: 'previous' });
    await walk.perform({ type: 'reject' });
    expect(walk.getState().entries[0]).toMatchObject({
      status: 'settled_elsewhere',
      settled: { status: 'matched', by: 'carla' },
    });
    expect(walk.getState().current?.settledElsewhere).toEqual({ status: 'matched', by: 'carla' });
  });

  it('a re-check that began before the reviewer moved on is not applied over the newer case', async () => {
    const cases = [
      fourCandidateCase(),
      fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf', idConflict: false }),
    ];
    const { service, settledElsewhere } = fakeService(cases);
    let release: () => void = () => undefined;
    const slow = service as unknown as { settledAmong: ReviewService['settledAmong'] };
    const read = slow.settledAmong;
    slow.settledAmong = async (ids) => {
      const answer = await read(ids); // as the database was when the read began: f2 waits
      await new Promise<void>((resolve) => (release = resolve));
      return answer;
    };
    const walk = new ReviewWalk(service, cases.map(pendingOf), { guardMs: 0, now: () => 0 });
    await walk.start();
    const recheck = walk.refreshSettled();
    await new Promise((resolve) => setTimeout(resolve, 0));
    settledElsewhere.set('f2', { status: 'rejected', by: 'bob' });
    await walk.perform({ type: 'next' }); // loaded as it is now: settled
    release();
    await recheck;
    expect(walk.getState().current?.settledElsewhere).toEqual({ status: 'rejected', by: 'bob' });
    expect(walk.getState().entries[1]!.status).toBe('settled_elsewhere');
  });
});

/** From now on, every decision is refused as the database refuses one on a file `by` settled meanwhile. */
function refuseAsSettledBy(service: ReturnType<typeof fakeService>['service'], by: string): void {
  const refusing = service as unknown as { decide: ReviewService['decide'] };
  refusing.decide = async (c) => ({
    ok: false,
    fileId: c.fileId,
    message: 'settled',
    notice: { code: 'settled_meanwhile', status: 'matched', by },
  });
}
