import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ScoredCandidate } from '../../src/core/matching/types.js';
import type { ReviewService } from '../../src/review/review-service.js';
import { ReviewWalk, type ReviewWalkState } from '../../src/app/review-walk.js';
import type { DecisionResult, ReviewCase, ReviewChoice, UndoResult } from '../../src/review/types.js';
import { REVIEW_KEYS, reviewActionForKey } from '../../src/ui/key-bindings.js';
import { ReviewApp } from '../../src/ui/review/review-app.js';
import { ReviewScreen } from '../../src/ui/review/review-screen.js';
import { colorEnabled, createTheme } from '../../src/ui/theme.js';

function candidate(
  expediente: string,
  name: [string, string, string],
  combined: number,
  reasons: string[],
): ScoredCandidate {
  return {
    patient: {
      id: `p-${expediente}`,
      expediente,
      apellidoPaterno: name[0],
      apellidoMaterno: name[1],
      nombres: name[2],
    },
    scores: {
      idMatch: expediente === '3000576011' ? 1 : 0,
      nearId: 0,
      levenshtein: 0.24,
      jaroWinkler: 0.5,
      token: 0.28,
      wordIntersection: 0,
      nameSimilarity: 0,
      frequencyWeight: 1,
      combined,
    },
    name: {} as ScoredCandidate['name'],
    reasons,
  };
}

function conflictCase(patch: Partial<ReviewCase> = {}): ReviewCase {
  return {
    fileId: 'f1',
    batchId: 'b1',
    relativePath: '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf',
    filename: '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf',
    parsed: {
      filename: '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf',
      expediente: '3000576011',
      apellidos: 'BONILLA SEPÚLVEDA',
      apellidoPaterno: 'BONILLA',
      apellidoMaterno: 'SEPÚLVEDA',
      nombres: 'ADRIANA',
      nombreCompleto: 'BONILLA SEPÚLVEDA, ADRIANA',
      numero: '6888240511',
      documentType: 'lab_results',
      documentTypeCode: 'LAB',
    },
    parseError: null,
    decision: null,
    candidates: [
      candidate('3000147773', ['BONILLA', 'SEPÚLVEDA', 'ADRIANA'], 0.89, [
        'expediente differs; name identical',
      ]),
      candidate('3000576011', ['ACOSTA', 'MORALES', 'JORGE'], 0.5, [
        'expediente matches; nombres: different',
      ]),
    ],
    expedienteOwner: {
      id: 'p-3000576011',
      expediente: '3000576011',
      apellidoPaterno: 'ACOSTA',
      apellidoMaterno: 'MORALES',
      nombres: 'JORGE',
      fechaNacimiento: null,
      sexo: null,
      source: 'registry_import',
      createdAt: '',
      updatedAt: '',
    },
    idConflict: true,
    heldReason: 'id_conflict',
    heldConfidence: 0.5,
    pages: 2,
    preview: ['TECSALUD REPORTE DE LABORATORIO CLÍNICO', 'Paciente: ADRIANA BONILLA SEPÚLVEDA'],
    textMissing: false,
    ...patch,
  };
}

function walkState(patch: Partial<ReviewWalkState> = {}): ReviewWalkState {
  return {
    phase: 'reviewing',
    position: 0,
    total: 2,
    current: conflictCase(),
    message: null,
    showHelp: false,
    tally: { attached: 0, created: 0, rejected: 0, skipped: 0 },
    canUndo: false,
    ...patch,
  };
}

/** A stand-in service that records what the walk asks of it. */
function fakeService(cases: ReviewCase[]) {
  const calls: string[] = [];
  let depth = 0;
  const service = {
    get undoDepth() {
      return depth;
    },
    loadCase: async (fileId: string) => cases.find((c) => c.fileId === fileId)!,
    decide: async (c: ReviewCase, choice: ReviewChoice): Promise<DecisionResult> => {
      calls.push(`${choice.kind}${choice.kind === 'attach' ? choice.candidate : ''}:${c.fileId}`);
      if (choice.kind === 'new_patient')
        return { ok: false, fileId: c.fileId, message: 'expediente already belongs to someone' };
      if (choice.kind !== 'skip') depth++;
      return { ok: true, choice: choice.kind, fileId: c.fileId, message: `${choice.kind} done` };
    },
    undo: async (): Promise<UndoResult> => {
      calls.push('undo');
      depth--;
      return { ok: true, fileId: 'f1', choice: 'attach', message: 'undid the attach' };
    },
    close: async () => {
      calls.push('close');
    },
  };
  return { service: service as unknown as ReviewService, calls };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ReviewScreen', () => {
  it('shows the parsed filename, candidates with scores and reasons, the text, and flags the id conflict', () => {
    const { lastFrame, unmount } = render(<ReviewScreen state={walkState()} width={79} reviewer="ana" />);
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toContain('Review 1 of 2 · reviewer ana');
    expect(frame).toContain('expediente 3000576011 · BONILLA SEPÚLVEDA, ADRIANA · lab_results (LAB)');
    expect(frame).toContain('!! ID CONFLICT');
    expect(frame).toMatch(/belongs to ACOSTA MORALES, JORGE/);
    expect(frame).toMatch(/1 {2}3000147773 {2}BONILLA SEPÚLVEDA, ADRIANA +0\.89/);
    expect(frame).toMatch(/2 {2}3000576011 {2}ACOSTA MORALES, JORGE +0\.50 +◆ ID CONFLICT/);
    expect(frame).toContain('id 1  near 0  lev 0.24  jw 0.50');
    expect(frame).toContain('expediente matches; nombres: different');
    expect(frame).toContain('│ Paciente: ADRIANA BONILLA SEPÚLVEDA');
    expect(frame).toContain('1-9 attach · n new · r reject · s skip · u undo · ? help · q quit');
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(79);
  });

  it('neutralises control characters in filenames and reasons, and shows help and messages', () => {
    const evil = conflictCase({
      relativePath: 'x/3000576011_BONILLA\u001b]0;pwned\u0007, ADRIANA_LAB.pdf',
      idConflict: false,
      candidates: [candidate('3000147773', ['BONILLA', '', 'ADRIANA'], 0.7, ['odd\u001b[31m reason'])],
    });
    const { lastFrame, unmount } = render(
      <ReviewScreen
        state={walkState({
          current: evil,
          showHelp: true,
          message: { tone: 'error', text: 'refused\u001b[2J' },
        })}
        width={79}
      />,
    );
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).not.toContain('\u001b');
    expect(frame).toContain('\\x1B]0;pwned\\x07');
    expect(frame).toContain('odd\\x1B[31m reason');
    expect(frame).toContain('✗ refused\\x1B[2J');
    expect(frame).not.toContain('ID CONFLICT');
    for (const k of REVIEW_KEYS) expect(frame).toContain(k.description);
  });

  it('shows what the document itself states beside the candidates, when it names someone else', () => {
    const content = {
      verdict: 'contradicts',
      identity: {
        expediente: '3000147773',
        nombre_completo: 'BONILLA SEPÚLVEDA, ADRIANA',
        nombre_escrito: 'ADRIANA BONILLA SEPÚLVEDA',
        fecha_nacimiento: '1950-09-14',
        sexo: 'F',
        evidence: [],
        other_expedientes: [],
        other_names: [],
      },
      content_patient: {
        patient_id: 'p-3000147773',
        expediente: '3000147773',
        nombre_completo: 'BONILLA SEPÚLVEDA, ADRIANA',
        fecha_nacimiento: '1950-09-14',
        sexo: 'F',
        by: 'expediente',
      },
    } as unknown as NonNullable<ReviewCase['content']>;
    const held = conflictCase({ heldReason: 'content_mismatch', content });
    const { lastFrame, unmount } = render(
      <ReviewScreen state={walkState({ current: held })} width={79} reviewer="ana" />,
    );
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toContain('held: content_mismatch');
    expect(frame.replace(/\s*\n\s*/g, ' ')).toContain(
      'document says (contradicts): ADRIANA BONILLA SEPÚLVEDA · exp. 3000147773 · nac. 1950-09-14 · F',
    );
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(79);
    expect(frame.indexOf('document says')).toBeLessThan(frame.indexOf('Candidates'));

    const bare = render(
      <ReviewScreen
        state={walkState({ current: conflictCase({ content: { ...content, verdict: 'absent' } }) })}
        width={79}
      />,
    );
    expect(bare.lastFrame()).not.toContain('document says');
    bare.unmount();
  });

  it('summarises the sitting when every file has been walked', () => {
    const { lastFrame, unmount } = render(
      <ReviewScreen
        state={walkState({
          phase: 'done',
          current: null,
          position: 2,
          canUndo: true,
          tally: { attached: 1, created: 0, rejected: 0, skipped: 1 },
        })}
        width={79}
      />,
    );
    expect(lastFrame()).toContain('2 files walked: 1 attached, 0 new patients, 0 rejected, 1 skipped.');
    expect(lastFrame()).toContain('u undo · q quit');
    unmount();
  });
});

describe('ReviewApp', () => {
  it('turns keys into decisions, shows refusals, undoes, and quits', async () => {
    const cases = [
      conflictCase(),
      conflictCase({ fileId: 'f2', relativePath: 'second.pdf', idConflict: false }),
    ];
    const { service, calls } = fakeService(cases);
    const walk = new ReviewWalk(service, ['f1', 'f2']);
    const { lastFrame, stdin, unmount } = render(
      <ReviewApp walk={walk} reviewer="ana" onClosed={() => undefined} />,
    );
    await walk.start();
    await until(() => (lastFrame() ?? '').includes('Review 1 of 2'), 'the first case');

    stdin.write('n');
    await until(() => (lastFrame() ?? '').includes('✗ expediente already belongs to someone'), 'the refusal');
    expect(walk.getState().position).toBe(0);

    stdin.write('x'); // no meaning: ignored
    stdin.write('2');
    await until(() => (lastFrame() ?? '').includes('Review 2 of 2'), 'the second case');
    expect(lastFrame()).toContain('second.pdf');
    expect(lastFrame()).toContain('✓ attach done');

    stdin.write('u');
    await until(() => (lastFrame() ?? '').includes('undid the attach'), 'the undo');
    expect(walk.getState().position).toBe(0);

    stdin.write('s');
    await until(() => walk.getState().position === 1, 'the skip');
    stdin.write('r');
    await until(() => walk.getState().phase === 'done', 'the end of the walk');
    expect(lastFrame()).toContain('2 files walked: 0 attached, 0 new patients, 1 rejected, 1 skipped.');

    stdin.write('q');
    await walk.closed();
    expect(calls).toEqual(['new_patient:f1', 'attach2:f1', 'undo', 'skip:f1', 'reject:f2', 'close']);
    unmount();
  });
});

describe('key bindings and colour', () => {
  it('maps every documented key and nothing else', () => {
    expect(reviewActionForKey('3')).toEqual({ type: 'attach', candidate: 3 });
    expect(reviewActionForKey('0')).toBeNull();
    expect(reviewActionForKey('n')).toEqual({ type: 'new_patient' });
    expect(reviewActionForKey('r')).toEqual({ type: 'reject' });
    expect(reviewActionForKey('s')).toEqual({ type: 'skip' });
    expect(reviewActionForKey('u')).toEqual({ type: 'undo' });
    expect(reviewActionForKey('?')).toEqual({ type: 'toggle_help' });
    expect(reviewActionForKey('q')).toEqual({ type: 'quit' });
    expect(reviewActionForKey('c', { ctrl: true })).toEqual({ type: 'quit' });
    expect(reviewActionForKey('z')).toBeNull();
  });

  it('turns colour off for a non-empty NO_COLOR', () => {
    expect(colorEnabled({})).toBe(true);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(createTheme(false).color('danger')).toBeUndefined();
    expect(createTheme(true).color('danger')).toBe('red');
  });
});
