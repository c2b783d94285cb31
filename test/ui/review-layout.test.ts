import { describe, expect, it } from 'vitest';
import { ReviewWalk, type NotRecordedCause, type ReviewWalkState } from '../../src/app/review-walk.js';
import { EN, ES, HELP_KEYS, resolveLanguage, type Messages } from '../../src/ui/i18n/messages.js';
import { lineWidth, type Line } from '../../src/ui/lines.js';
import { layoutReview } from '../../src/ui/review/review-layout.js';
import { initialReviewView, reduceReviewView, type ReviewView } from '../../src/ui/review/review-view.js';
import type { ContentCheckDetails } from '../../src/core/content/types.js';
import { documentIdentityFor } from '../../src/review/document-identity.js';
import type { HeldReason } from '../../src/review/types.js';
import { parseFilename } from '../../src/core/filename/parse-filename.js';
import { fakeService, fourCandidateCase, pendingOf } from './support/review-cases.js';

const text = (line: Line) => line.map((s) => s.text).join('');

async function stateOf(patch: Partial<ReviewWalkState> = {}): Promise<ReviewWalkState> {
  const cases = [fourCandidateCase(), fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf' })];
  const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
  await walk.start();
  return { ...walk.getState(), ...patch };
}

function frame(
  state: ReviewWalkState,
  size: { columns: number; rows: number },
  view: ReviewView = initialReviewView(),
  messages: Messages = EN,
) {
  const layout = layoutReview({
    state,
    view,
    width: size.columns - 1,
    rows: size.rows,
    messages,
    reviewer: 'ana',
  });
  const rows = [...layout.header, ...layout.body, ...layout.footer];
  return { layout, rows: rows.map(text), widths: rows.map(lineWidth) };
}

describe('review layout', () => {
  it.each([
    { columns: 100, rows: 30 },
    { columns: 80, rows: 24 },
    { columns: 60, rows: 20 },
  ])(
    'fits $columns×$rows: one row short of the terminal, header and key hints always there',
    async (size) => {
      const state = await stateOf();
      for (const view of [
        initialReviewView(),
        { ...initialReviewView(), details: true },
        { ...initialReviewView(), overlay: 'help' as const },
        { ...initialReviewView(), overlay: 'list' as const },
        { ...initialReviewView(), scroll: 1000 },
      ]) {
        const { rows, widths } = frame(state, size, view);
        expect(rows).toHaveLength(size.rows - 1);
        for (const w of widths) expect(w).toBeLessThanOrEqual(size.columns - 1);
        expect(rows[0]).toContain('Review 1 of 2');
        expect(rows.at(-2)!.trim()).not.toBe('');
        // How to get help and how to leave, at every size.
        if (view.overlay === 'none') expect(rows.at(-2)).toMatch(/\? help · q quit$/);
      }
      // The list names each file by its expediente, whole, so that a narrow terminal still tells the cases apart.
      const list = frame(state, size, { ...initialReviewView(), overlay: 'list' as const }).rows;
      expect(list.find((row) => row.includes(' 1  '))).toMatch(
        /^▶\s+1\s+pending\s+3000576011 {2}LAB {2}BONILLA/,
      );
      const { rows } = frame(state, size);
      // The text's heading counts its lines; where the screen is in it is the scroll position's to say.
      expect(frame(state, { columns: size.columns, rows: 80 }).rows.join('\n')).toMatch(
        /Document text \(\d+ lines?\)/,
      );
      expect(rows[1]).toMatch(/3000576011_BONILLA/);
      expect(rows[2]).toContain('3000576011');
    },
  );

  it('shows each candidate with birth date, sex, documents held and reasons in plain words; details on demand', async () => {
    const state = await stateOf();
    const all = frame(state, { columns: 100, rows: 80 }).rows.join('\n');
    expect(all).toMatch(/ 1 3000147773 +BONILLA SEPÚLVEDA, ADRIANA✓ +0\.89/);
    expect(all).toContain('b. 1951-07-30✗ · sex M✗');
    expect(all).toContain(
      'docs (CONS LAB RX) · filename: same expediente · paterno: different (BONILLA / ACOSTA)',
    );
    expect(all).toContain('◆ ID CONFLICT ⚠ below 0.60 ⚠ birth date differs ⚠ sex differs');
    expect(all).toContain('ID CONFLICT');
    expect(all).not.toMatch(/Jaro-Winkler \d/); // the per-signal numbers are behind `d`
    expect(all).toContain('Fecha de nacimiento: 12/03/1984'); // the whole text, scrollable
    expect(all).toContain('FIN DEL REPORTE');
    const details = frame(
      state,
      { columns: 100, rows: 80 },
      { ...initialReviewView(), details: true },
    ).rows.join('\n');
    expect(details).toMatch(/Jaro-Winkler 0\.95/);
    // Each number named in words (wrapped over rows as the width asks).
    const words = details.replace(/\s+/g, ' ');
    expect(words).toMatch(/spelling \(Levenshtein\) \d\.\d\d · /);
    expect(words).toMatch(/rarity of the name \d\.\d\d \(1 = rare/);
    const spanish = frame(
      state,
      { columns: 100, rows: 80 },
      { ...initialReviewView(), details: true },
      ES,
    ).rows.join(' ');
    expect(spanish.replace(/\s+/g, ' ')).toMatch(/ortografía \(Levenshtein\) \d\.\d\d · /);
  });

  it.each([
    { columns: 60, rows: 20 },
    { columns: 80, rows: 24 },
    { columns: 60, rows: 11 },
  ])(
    'the id-conflict banner at $columns×$rows: whole, wrapped, and the last header rows to give way',
    async (size) => {
      const state = await stateOf();
      for (const messages of [EN, ES]) {
        const { rows, widths } = frame(state, size, initialReviewView(), messages);
        expect(rows).toHaveLength(size.rows - 1);
        for (const w of widths) expect(w).toBeLessThanOrEqual(size.columns - 1);
        const start = rows.findIndex((row) => row.startsWith(' !! '));
        expect(start).toBeGreaterThan(0);
        const banner = rows
          .slice(start, start + 3)
          .filter((row) => row.startsWith('    '))
          .map((row) => row.trim());
        const whole = [rows[start]!.trim(), ...banner].join(' ');
        expect(whole).toBe(
          `!! ${messages.idConflictBanner('3000576011', 'ACOSTA MORALES, JORGE', 'BONILLA SEPÚLVEDA, ADRIANA')}`,
        );
      }
    },
  );

  it('a case decided in this sitting and shown again says what was decided, in both languages', async () => {
    const cases = [fourCandidateCase(), fourCandidateCase({ fileId: 'f2', relativePath: 'b/second.pdf' })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    expect(frame(walk.getState(), { columns: 60, rows: 20 }).rows.join('\n')).not.toContain(
      'Decided in this sitting',
    );
    await walk.perform({ type: 'reject' });
    await walk.perform({ type: 'previous' });
    const state = walk.getState();
    expect(state.position).toBe(0);
    expect(frame(state, { columns: 60, rows: 20 }).rows).toContain('✓ Decided in this sitting: rejected');
    expect(frame(state, { columns: 60, rows: 20 }, initialReviewView(), ES).rows).toContain(
      '✓ Decidido en esta revisión: rechazado',
    );
  });

  it('a decision the database would not take: the whole notice (why, what to do, do it again) at 60×20, in Spanish too', async () => {
    const causes: NotRecordedCause[] = [
      { kind: 'locked' },
      { kind: 'disk_full', directory: '/srv/tecsalud' },
      { kind: 'disk_failed', directory: '/srv/tecsalud', code: 'SQLITE_IOERR_WRITE' },
      { kind: 'server_disk_full' },
      {
        kind: 'unavailable',
        message:
          'cannot reach the Chroma server at http://127.0.0.1:8000 to write to collection "medical_documents": connection refused',
      },
    ];
    const base = await stateOf();
    for (const cause of causes) {
      for (const what of ['decision', 'undo'] as const) {
        for (const messages of [EN, ES]) {
          const state = {
            ...base,
            notice: { tone: 'error' as const, notice: { code: 'not_recorded' as const, what, cause } },
          };
          const { rows } = frame(state, { columns: 60, rows: 20 }, initialReviewView(), messages);
          const keys = rows.findIndex((row) => row.includes(messages === ES ? 'r rechazar' : 'r reject'));
          expect(keys).toBeGreaterThan(0);
          // Where the body is stays beside the notice (or under it): not part of what it says.
          const notice = rows
            .slice(keys + 1)
            .map((row) => row.replace(/\d+–\d+ \/ \d+( ▲)?( ▼)?$/, '').trim())
            .filter(Boolean);
          expect(notice.length, notice.join('\n')).toBeLessThanOrEqual(4);
          const text = notice.join(' ');
          expect(text).not.toContain('…');
          expect(text).toMatch(
            messages === ES
              ? what === 'undo'
                ? /^✗ no se deshizo: .*vuelva a pulsar u\.$/
                : /^✗ no se registró la decisión: .*vuelva a tomar la misma decisión\.$/
              : what === 'undo'
                ? /^✗ undo not done: .*press u again\.$/
                : /^✗ decision not recorded: .*make the same decision again\.$/,
          );
          if (messages === ES)
            expect(text.replace(/"[^"]*"|'[^']*'|\([^()]*\)/g, ' ')).not.toMatch(
              /\b(the|is|not|database|locked|disk|full|failed|cannot|reach|server|to)\b/,
            );
        }
      }
    }
  });

  it('at 60×20, a notice leaves the scroll marker on screen, and the whole help is read by scrolling it', async () => {
    const base = await stateOf();
    const size = { columns: 60, rows: 20 };
    const marker = /\d+–\d+ \/ \d+( ▲)?( ▼)?$/;
    const notices = [
      { tone: 'success' as const, notice: { code: 'skipped' as const } },
      // Up to four rows, their last one at every length: where the marker finds no room beside it, it takes a
      // row of its own.
      ...Array.from({ length: 30 }, (_, n) => ({
        tone: 'error' as const,
        notice: {
          code: 'not_recorded' as const,
          what: 'decision' as const,
          cause: { kind: 'disk_full' as const, directory: `/srv/${'d'.repeat(n)}` },
        },
      })),
    ];
    let ownRow = 0;
    for (const messages of [EN, ES]) {
      for (const notice of notices) {
        const state = { ...base, notice };
        const noticeText = `${notice.tone === 'error' ? '✗' : '✓'} ${messages.notice(notice.notice)}`;
        // The case: the marker says there is more below, and the notice is still all there.
        const { rows } = frame(state, size, initialReviewView(), messages);
        expect(rows).toHaveLength(size.rows - 1);
        expect(rows.slice(-5).join('\n')).toMatch(/(^| )1–\d+ \/ \d+ ▼$/m);
        if (/^1–\d+ \/ \d+ ▼$/.test(rows.at(-1)!.trim()) && rows.at(-1)!.startsWith('1')) ownRow++;
        const shownNotice = rows
          .slice(rows.findIndex((row) => row.startsWith(noticeText.slice(0, 12))))
          .map((row) => row.replace(marker, '').trim())
          .join(' ');
        expect(shownNotice.replace(/\s+/g, ' ').trim()).toBe(noticeText.replace(/\s+/g, ' '));
        // The help, opened over it: marked as longer than its rows, and each key's line reached by scrolling.
        let view: ReviewView = { ...initialReviewView(), overlay: 'help' };
        const seen = new Set<string>();
        for (let step = 0; step < 40; step++) {
          const help = frame(state, size, view, messages);
          for (const w of help.widths) expect(w).toBeLessThanOrEqual(size.columns - 1);
          help.layout.body.map(text).forEach((row) => seen.add(row.trim()));
          const last = help.rows.at(-1)!;
          expect(last).toMatch(marker);
          if (!last.endsWith('▼')) break;
          expect(help.rows.join('\n')).toContain(messages.helpClose(true));
          view = reduceReviewView(view, { type: 'scroll', by: 1, max: help.layout.maxScroll });
        }
        for (const key of HELP_KEYS) {
          const first = messages.keyHelp(key).split(/\s+/).slice(0, 3).join(' ');
          expect(
            [...seen].some((row) => row.replace(/\s+/g, ' ').startsWith(first)),
            first,
          ).toBe(true);
        }
      }
    }
    // Some of those notices filled their last row: the marker was then on a row of its own.
    expect(ownRow).toBeGreaterThan(0);
  });

  it('scrolls the body under a pinned header; PgDn reaches the end of the text', async () => {
    const state = await stateOf();
    const size = { columns: 80, rows: 24 };
    const top = frame(state, size);
    const view = reduceReviewView(initialReviewView(), {
      type: 'scroll_to',
      where: 'bottom',
      max: top.layout.maxScroll,
    });
    const bottom = frame(state, size, view);
    expect(bottom.rows[0]).toBe(top.rows[0]);
    expect(bottom.rows.join('\n')).toContain('FIN DEL REPORTE');
    expect(top.rows.join('\n')).not.toContain('FIN DEL REPORTE');
  });

  it('shows both identities and why in the confirmation, in Spanish too', async () => {
    const base = await stateOf();
    const candidate = base.current!.evidence[1]!;
    const state = {
      ...base,
      phase: 'confirming' as const,
      confirm: { action: 'attach' as const, candidate, risks: candidate.risks },
    };
    for (const messages of [EN, ES]) {
      const { rows } = frame(state, { columns: 80, rows: 24 }, initialReviewView(), messages);
      const all = rows.join('\n');
      expect(rows).toHaveLength(23);
      expect(all).toContain('BONILLA SEPÚLVEDA, ADRIANA');
      expect(all).toContain('ACOSTA MORALES, JORGE');
      expect(all).toContain(messages.confirmKeys('attach', false));
    }
  });

  it('reports which parts of a confirmation are on screen whole, and the scroll that brings each into view', async () => {
    const base = await stateOf();
    const candidate = base.current!.evidence[1]!;
    const state = {
      ...base,
      phase: 'confirming' as const,
      confirm: { action: 'attach' as const, candidate, risks: candidate.risks },
    };
    // Tall enough: the candidate and every reason at once.
    expect(frame(state, { columns: 80, rows: 24 }).layout.shownConfirmParts).toEqual([
      'candidate',
      ...candidate.risks,
    ]);
    // 60×15: only the title and the identities fit; scrolled to each part in turn, it is on screen whole.
    const small = { columns: 60, rows: 15 };
    const { layout } = frame(state, small);
    expect(layout.shownConfirmParts).toEqual([]);
    for (const part of ['candidate', ...candidate.risks] as const) {
      const where = layout.confirmPartScroll.get(part)!;
      const view = reduceReviewView(initialReviewView(), {
        type: 'scroll_to',
        where,
        max: layout.maxScroll,
        confirming: true,
      });
      expect(frame(state, small, view).layout.shownConfirmParts).toContain(part);
    }
    // 40×12: a reason may be taller than the few rows of the body; scrolled to, each counts (a tall one by its end).
    const narrow = { columns: 40, rows: 12 };
    const tall = frame(state, narrow).layout;
    for (const part of ['candidate', ...candidate.risks] as const) {
      const view = reduceReviewView(initialReviewView(), {
        type: 'scroll_to',
        where: tall.confirmPartScroll.get(part)!,
        max: tall.maxScroll,
        confirming: true,
      });
      expect(frame(state, narrow, view).layout.shownConfirmParts).toContain(part);
    }
  });

  it('speaks Spanish: frame, reasons and keys', async () => {
    const all = frame(await stateOf(), { columns: 100, rows: 60 }, initialReviewView(), ES).rows.join('\n');
    expect(all).toContain('Revisión 1 de 2');
    expect(all).toContain('? ayuda');
    expect(all).not.toContain('Review 1 of 2');
  });

  it("says why a filename does not parse in the screen's language, the parser's English kept for --lang en", async () => {
    const filename = 'RIOS CORONADO CESAR CONS.pdf';
    const parse = parseFilename(filename);
    if (parse.ok) throw new Error('parses');
    const unparsable = {
      fileId: 'u1',
      filename,
      relativePath: filename,
      parsed: null,
      parseError: parse.error.message,
    };
    const cases = [fourCandidateCase(unparsable)];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const show = (messages: Messages) =>
      frame(walk.getState(), { columns: 200, rows: 40 }, initialReviewView(), messages).rows.join('\n');
    expect(show(ES)).toContain(
      "El nombre del archivo no se puede leer: no hay separadores '_': se esperan el expediente, el nombre, " +
        "el NUMERO (opcional) y el tipo separados por '_'",
    );
    const english = show(EN);
    expect(english).toContain(`The filename does not parse: ${parse.error.message}`);
  });

  /** The review screen of one case whose ingest recorded this cross-check (only what the screen reads of it). */
  async function screenWithCrossCheck(
    check: {
      verdict: string;
      compared_with?: null;
      name: string;
      written: string;
      expediente: string;
      born: string;
      sex: string;
    },
    heldReason: HeldReason,
    columns: number,
  ): Promise<string> {
    const content = {
      verdict: check.verdict,
      ...(check.compared_with === null ? { compared_with: null } : {}),
      identity: {
        expediente: check.expediente,
        nombre_completo: check.name,
        nombre_escrito: check.written,
        fecha_nacimiento: check.born,
        sexo: check.sex,
        evidence: [],
        other_expedientes: [],
        other_names: [],
      },
      reasons: [],
    } as unknown as ContentCheckDetails;
    const base = fourCandidateCase();
    const document = documentIdentityFor(content, null, base.parsed, 2026);
    const cases = [fourCandidateCase({ heldReason, document })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    return frame(walk.getState(), { columns, rows: 40 }).rows.join('\n');
  }

  it("shows the ingest's content cross-check when it recorded one: the document names someone else", async () => {
    const all = await screenWithCrossCheck(
      {
        verdict: 'contradicts',
        name: 'BONILLA SEPÚLVEDA, ADRIANA',
        written: 'ADRIANA BONILLA SEPÚLVEDA',
        expediente: '3000147773',
        born: '1950-09-14',
        sex: 'F',
      },
      'content_mismatch',
      100,
    );
    expect(all).toContain("Held: the document's own text contradicts the filename");
    expect(all).toContain(
      'The document says (read at ingest): BONILLA SEPÚLVEDA, ADRIANA✓ · exp 3000147773✗',
    );
    expect(all).toContain('CONTRADICTS the filename');
  });

  it.each([
    [
      EN,
      "Held at ingest: the document's own text contradicts",
      "Now: the document agrees with the filename's match",
    ],
    [
      ES,
      'En revisión al ingresar: el documento contradice',
      'Ahora: el documento concuerda con la coincidencia del archivo',
    ],
  ])(
    "says the reason was the ingest's when the content check against today's registry now agrees, at 60×20 (%#)",
    async (messages, heldThen, agreesNow) => {
      // Held as content_mismatch; since then a registry import gave the patient the birth date the document states.
      const content = {
        verdict: 'agrees',
        identity: {
          expediente: '3000576011',
          nombre_completo: 'BONILLA SEPÚLVEDA, ADRIANA',
          nombre_escrito: 'ADRIANA BONILLA SEPÚLVEDA',
          fecha_nacimiento: '1984-03-12',
          sexo: 'F',
          evidence: [],
          other_expedientes: [],
          other_names: [],
        },
        reasons: [],
      } as unknown as ContentCheckDetails;
      const document = documentIdentityFor(content, null, fourCandidateCase().parsed, 2026);
      const cases = [fourCandidateCase({ heldReason: 'content_mismatch', document })];
      const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
      await walk.start();
      const { rows, widths } = frame(
        walk.getState(),
        { columns: 60, rows: 20 },
        initialReviewView(),
        messages,
      );
      expect(rows).toHaveLength(19);
      for (const w of widths) expect(w).toBeLessThanOrEqual(59);
      const screen = rows.join('\n');
      expect(screen).toContain(heldThen);
      expect(screen.replace(/\n {2}/g, ' ')).toContain(agreesNow);
      // The plain "Held:" line would read as today's reason, above a verdict that says the opposite.
      expect(screen).not.toMatch(/^(Held|En revisión):/m);
      expect(rows.at(-2)).toMatch(/(\? help · q quit|\? ayuda · q salir)$/);
    },
  );

  it('on 9 to 11 rows the rows saying the document names another patient outlast the filename and "Now:" rows', async () => {
    // Held because the document's text names another patient; since then the check agrees (a registry import).
    const content = {
      verdict: 'agrees',
      identity: {
        expediente: '3000576011',
        nombre_completo: 'BONILLA SEPÚLVEDA, ADRIANA',
        nombre_escrito: 'ADRIANA BONILLA SEPÚLVEDA',
        fecha_nacimiento: '1984-03-12',
        sexo: 'F',
        evidence: [],
        other_expedientes: [],
        other_names: [],
      },
      reasons: [],
    } as unknown as ContentCheckDetails;
    const document = documentIdentityFor(content, null, fourCandidateCase().parsed, 2026);
    const held = [fourCandidateCase({ heldReason: 'content_mismatch', document, idConflict: false })];
    const heldWalk = new ReviewWalk(fakeService(held).service, held.map(pendingOf), { guardMs: 0 });
    await heldWalk.start();
    // 60×11 fits every row; one row fewer, one must go, and two fewer, two.
    const header = (rows: number) =>
      frame(heldWalk.getState(), { columns: 60, rows }).layout.header.map(text).join('\n');
    expect(header(11)).toMatch(/^Filename: exp/m);
    // The filename's line repeats the file's name above it: it gives way first, then the "Now:" row.
    expect(header(10)).not.toMatch(/^Filename: exp/m);
    expect(header(10)).toContain("Now: the document agrees with the filename's match");
    expect(header(9)).not.toContain('Now:');
    for (const rows of [11, 10, 9]) {
      expect(header(rows)).toMatch(/^Review 1 of 1/);
      expect(header(rows)).toContain("Held at ingest: the document's own text contradicts");
    }

    // Taken back over a copy naming another patient, and settled elsewhere meanwhile: the TAKEN BACK row stays.
    const back = [
      fourCandidateCase({
        heldReason: 'taken_back',
        idConflict: false,
        detached: {
          kind: 'taken_back',
          by: 'night-run',
          at: '2026-11-02T10:00:00Z',
          fromExpediente: '3000576011',
          reason: 'a copy names exp 3000768077',
          copy: { expediente: '3000768077', relativePath: 'drop/copy.pdf' },
        },
        settledElsewhere: { status: 'rejected', by: 'bob' },
      }),
    ];
    const backWalk = new ReviewWalk(fakeService(back).service, back.map(pendingOf), { guardMs: 0 });
    await backWalk.start();
    for (const columns of [60, 100]) {
      // At 60 columns the row wraps: its end, the expediente the copy names, is on screen too.
      const screen = frame(backWalk.getState(), { columns, rows: 10 })
        .layout.header.map(text)
        .join('\n')
        .replace(/\n {2}/g, ' ');
      expect(screen).toMatch(
        /TAKEN BACK from exp 3000576011 by night-run on .*: a copy names exp 3000768077/,
      );
    }
  });

  it("says what the filename's match is now when it is no longer the reason the file was held", async () => {
    // Held as "the name matches; the expediente is not in the registry"; a patient of that expediente was created since.
    const decision = {
      decision: 'auto',
      confidence: 0.99,
      reason: 'exact_id_and_name',
    } as unknown as NonNullable<ReturnType<typeof fourCandidateCase>['decision']>;
    const cases = [fourCandidateCase({ heldReason: 'name_only_match', decision })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const screen = (messages: Messages) =>
      frame(walk.getState(), { columns: 60, rows: 20 }, initialReviewView(), messages)
        .rows.join('\n')
        .replace(/\n {2}/g, ' ');
    expect(screen(EN)).toContain('Held at ingest: the name matches; the expediente is not in…');
    expect(screen(EN)).toContain("Now: the filename's match: same expediente and name");
    expect(screen(ES)).toContain('Ahora, la coincidencia del archivo: mismo expediente y nombre');
    // The reason still holding: the line as it always was.
    const still = [fourCandidateCase({ heldReason: 'exact_id_and_name', decision })];
    const unchanged = new ReviewWalk(fakeService(still).service, still.map(pendingOf), { guardMs: 0 });
    await unchanged.start();
    const rows = frame(unchanged.getState(), { columns: 60, rows: 20 }).rows.join('\n');
    expect(rows).toContain('Held: same expediente and name');
    expect(rows).not.toContain('Now:');
  });

  it('says the document agrees with the filename itself when its match was only a candidate under another expediente', async () => {
    // A homonym's review: the document states the filename's own expediente, which nobody in the registry holds.
    const all = await screenWithCrossCheck(
      {
        verdict: 'agrees',
        compared_with: null,
        name: 'MARTÍNEZ MEJÍA, FRANCISCO JAVIER',
        written: 'FRANCISCO JAVIER MARTÍNEZ MEJÍA',
        expediente: '3000312954',
        born: '1963-08-04',
        sex: 'M',
      },
      'name_only_match',
      120,
    );
    expect(all.replace(/\n {2}/g, ' ')).toContain('→ agrees with the filename');
    expect(all).not.toContain("filename's match");
  });

  it('starts with the birth date, without a separator before it, when the document states only that', async () => {
    const base = fourCandidateCase();
    const document = documentIdentityFor(
      null,
      'Fecha de nacimiento: 21/06/1945\nDiagnóstico: cefalea.',
      base.parsed,
      2026,
    );
    const cases = [fourCandidateCase({ heldReason: 'content_mismatch', document })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const all = frame(walk.getState(), { columns: 100, rows: 40 }).rows.join('\n');
    expect(all).toContain('The document says (read from the text): b. 1945-06-21');
  });

  it('shows the name read from the kept text without the period that ends its sentence', async () => {
    const base = fourCandidateCase();
    const text = [
      'TECSALUD HOSPITAL SAN JOSÉ — REPORTE DE LABORATORIO CLÍNICO',
      'Paciente: ADRIANA BONILLA SEPÚLVEDA. Acude a toma de muestras en ayuno.',
      'Expediente: 3000576011',
    ].join('\n');
    const document = documentIdentityFor(null, text, base.parsed, 2026);
    expect(document).toMatchObject({
      name: 'BONILLA SEPÚLVEDA, ADRIANA',
      nameFields: { apellidoPaterno: 'BONILLA', apellidoMaterno: 'SEPÚLVEDA', nombres: 'ADRIANA' },
      agreement: { name: 'agrees' },
    });
    const cases = [fourCandidateCase({ document })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const all = frame(walk.getState(), { columns: 100, rows: 40 }).rows.join('\n');
    expect(all).toContain(': BONILLA SEPÚLVEDA, ADRIANA✓ · exp 3000576011✓');
    expect(all).not.toContain('SEPÚLVEDA.');
  });

  it('shows both readings of a birth date whose day and month could be either way round, in either language', async () => {
    const base = fourCandidateCase();
    const document = { ...base.document!, birthDate: '1984-03-12', birthDateAlternative: '1984-12-03' };
    const cases = [fourCandidateCase({ document })];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const english = frame(walk.getState(), { columns: 180, rows: 40 }).rows.join('\n');
    expect(english).toContain('b. 1984-03-12 or 1984-12-03 (day/month order unclear)');
    const spanish = frame(walk.getState(), { columns: 180, rows: 40 }, initialReviewView(), ES).rows.join(
      '\n',
    );
    expect(spanish).toContain('n. 12/03/1984 o 03/12/1984 (orden día/mes incierto)');
  });

  it.each([60, 80, 100, 120, 200])(
    'the pending list at %i columns: aligned columns, the expediente whole, the least telling columns cut first',
    async (columns) => {
      const cases = [
        fourCandidateCase(),
        fourCandidateCase({
          fileId: 'f2',
          relativePath:
            'urgencias/2026/diciembre/30001234_DE LA GARZA Y MONTEMAYOR, MARÍA DE LOS ÁNGELES_77_EMER.pdf',
          parsed: {
            ...fourCandidateCase().parsed!,
            expediente: '30001234',
            nombreCompleto: 'DE LA GARZA Y MONTEMAYOR, MARÍA DE LOS ÁNGELES',
            documentTypeCode: 'EMER',
          },
        }),
        fourCandidateCase({ fileId: 'f3', relativePath: 'sin nombre.pdf', parsed: null }),
      ];
      const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
      await walk.start();
      await walk.perform({ type: 'reject' }); // a decided row: its longer status word must not shift the columns
      for (const messages of [EN, ES]) {
        const { rows, widths } = frame(
          walk.getState(),
          { columns, rows: 24 },
          { ...initialReviewView(), overlay: 'list' },
          messages,
        );
        for (const w of widths) expect(w).toBeLessThanOrEqual(columns - 1);
        // One of the three decided: the title counts what still waits.
        const title = rows.findIndex((row) =>
          /^(Cases \(3, 2 still to decide\)|Casos \(3, 2 por decidir\))$/.test(row),
        );
        const [first, second, third] = rows.slice(title + 1, title + 4);
        expect(first).toContain('  3000576011  LAB   BONILLA SEP');
        expect(second).toMatch(/ {2}30001234 {4}EMER {2}DE LA GARZA/);
        expect(third).toMatch(/ {2}— {17}sin nombre\.pdf/);
        // Every column starts where it starts on the other rows.
        expect(second!.indexOf('30001234')).toBe(first!.indexOf('3000576011'));
        expect(second!.indexOf('DE LA GARZA')).toBe(first!.indexOf('BONILLA'));
        expect(third!.indexOf('sin nombre')).toBe(first!.indexOf('BONILLA'));
        const statusWord = messages === ES ? 'rechazado' : 'rejected';
        expect(first).toMatch(new RegExp(`^ +1  ${statusWord} +3000576011`));
        const reason = messages === ES ? 'el expediente es de' : 'the expediente belongs';
        if (columns <= 80) {
          // The long name is cut with an ellipsis, and nothing follows it: no room for the reason.
          expect(second).toMatch(/DE LA GARZA Y.*…$/);
          expect(first).not.toContain(reason);
        }
        if (columns >= 100) expect(second).toMatch(/DE LA GARZA Y MONTEMAYOR, MARÍA DE LOS ÁNGELES( |$)/);
        if (columns >= 120) expect(second).toContain(reason);
        if (columns >= 200) expect(second).toMatch(/ · b1c2d3e4 (2026-11-30|30\/11\/2026)$/);
      }
    },
  );

  it('the pending list counts its cases, not its title line, in the scroll indicator', async () => {
    const cases = Array.from({ length: 30 }, (_, i) =>
      fourCandidateCase({ fileId: `f${i}`, relativePath: `a/${i}.pdf` }),
    );
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const atTop = frame(
      walk.getState(),
      { columns: 80, rows: 20 },
      { ...initialReviewView(), overlay: 'list' },
    );
    const shown = atTop.layout.body.map(text).filter((row) => /^[▶ ] +\d+ /.test(row)).length;
    expect(atTop.rows.at(-1)!.trim()).toBe(`1–${shown} / 30 ▼`);
    const atEnd = frame(
      walk.getState(),
      { columns: 80, rows: 20 },
      { ...initialReviewView(), overlay: 'list', listCursor: 29 },
    );
    const rows = atEnd.layout.body.map(text);
    expect(rows.at(-1)).toMatch(/^ +30 /);
    expect(atEnd.rows.at(-1)!.trim()).toBe(`${31 - rows.length}–30 / 30 ▲`);
  });

  it('the Spanish pending list at 60 columns: status words no wider than «pendiente», the names keep the room', async () => {
    const state = await stateOf();
    // «paciente nuevo» widened the status column of every row by five columns, taken from the names.
    expect(ES.entryStatus('created')).toBe('nuevo');
    const { rows } = frame(state, { columns: 60, rows: 20 }, { ...initialReviewView(), overlay: 'list' }, ES);
    expect(rows).toContain('▶   1  pendiente  3000576011  LAB  BONILLA SEPÚLVEDA, ADRI…');
  });

  it('the pending list marks a case another reviewer settled, by whom (cut when long, never an escape)', async () => {
    const state = await stateOf();
    const entries = state.entries.map((row, i) =>
      i === 1
        ? { ...row, status: 'settled_elsewhere' as const, settled: { status: 'rejected', by: 'bob' } }
        : row,
    );
    const list = { ...initialReviewView(), overlay: 'list' as const };
    let rows = frame({ ...state, entries }, { columns: 100, rows: 30 }, list).rows;
    expect(rows.find((row) => row.includes('   2  '))).toMatch(/^ +2 {2}settled by bob {2}3000576011/);
    expect(rows.find((row) => row.includes('   1  '))).toMatch(/^▶ +1 {2}pending +3000576011/);
    rows = frame({ ...state, entries }, { columns: 100, rows: 30 }, list, ES).rows;
    expect(rows.find((row) => row.includes('   2  '))).toMatch(/^ +2 {2}resuelto por bob {2}3000576011/);
    // Who, unknown (no audit entry): said without a name.
    const nobody = entries.map((row, i) =>
      i === 1 ? { ...row, settled: { status: 'rejected', by: null } } : row,
    );
    expect(frame({ ...state, entries: nobody }, { columns: 100, rows: 30 }, list).rows.join('\n')).toMatch(
      /^ +2 {2}settled elsewhere {2}3000576011/m,
    );
    expect(
      frame({ ...state, entries: nobody }, { columns: 100, rows: 30 }, list, ES).rows.join('\n'),
    ).toMatch(/^ +2 {2}resuelto por otro {2}3000576011/m);
    const long = entries.map((row, i) =>
      i === 1 ? { ...row, settled: { status: 'rejected', by: 'maria.guadalupe\u001b[2J.hernandez' } } : row,
    );
    rows = frame({ ...state, entries: long }, { columns: 100, rows: 30 }, list).rows;
    expect(rows.join('\n')).not.toContain('\u001b');
    expect(rows.find((row) => row.includes('   2  '))).toMatch(/settled by maria.guada… {2}3000576011/);
  });

  it('neutralises control characters in filenames', async () => {
    const cases = [
      fourCandidateCase({ relativePath: 'x/3000576011_BONILLA\u001b]0;pwned\u0007, ADRIANA_LAB.pdf' }),
    ];
    const walk = new ReviewWalk(fakeService(cases).service, cases.map(pendingOf), { guardMs: 0 });
    await walk.start();
    const all = frame(walk.getState(), { columns: 100, rows: 30 }).rows.join('\n');
    expect(all).not.toContain('\u001b');
    expect(all).toContain('\\x1B]0;pwned\\x07');
  });
});

describe('review view and language', () => {
  it('a new case starts at the top with overlays closed', () => {
    let view = reduceReviewView(initialReviewView(), { type: 'case_shown', fileId: 'f1' });
    view = reduceReviewView(view, { type: 'scroll', by: 5, max: 3 });
    expect(view.scroll).toBe(3);
    view = reduceReviewView(view, { type: 'toggle_help' });
    expect(view.overlay).toBe('help');
    view = reduceReviewView(view, { type: 'case_shown', fileId: 'f2' });
    expect(view).toMatchObject({ scroll: 0, overlay: 'none', fileId: 'f2' });
  });

  it('is Spanish when LC_ALL / LANG start with es, unless a flag says otherwise', () => {
    expect(resolveLanguage({ env: { LANG: 'es_MX.UTF-8' } })).toBe('es');
    expect(resolveLanguage({ env: { LC_ALL: 'en_US.UTF-8', LANG: 'es_MX.UTF-8' } })).toBe('en');
    expect(resolveLanguage({ env: { LANG: 'C.UTF-8' } })).toBe('en');
    expect(resolveLanguage({ flag: 'en', env: { LANG: 'es_MX.UTF-8' } })).toBe('en');
    expect(resolveLanguage({ flag: 'es', env: {} })).toBe('es');
  });
});

describe('the notice of a candidate the registry changed', () => {
  it('names what changed, from what to what, birth dates as the screen writes them', () => {
    const notice = {
      code: 'patient_changed' as const,
      candidate: 2,
      changed: ['name' as const, 'birth_date' as const],
      was: {
        expediente: '3000899337',
        name: 'MARTÍNEZ MEJÍA, FRANCISCO JAVIER',
        birth_date: '1956-07-11',
        sex: 'M',
      },
      now: { expediente: '3000899337', name: 'MARTÍNEZ MEJÍA, ROBERTO', birth_date: null, sex: 'M' },
    };
    expect(EN.notice(notice)).toBe(
      'candidate 2 changed in the registry since this case was shown (name: MARTÍNEZ MEJÍA, FRANCISCO JAVIER → ' +
        'MARTÍNEZ MEJÍA, ROBERTO; birth date: 1956-07-11 → —): nothing attached. The case is shown again as it is ' +
        'now: read it, then decide',
    );
    expect(ES.notice(notice)).toBe(
      'el registro cambió al candidato 2 desde que se mostró este caso (nombre: MARTÍNEZ MEJÍA, FRANCISCO JAVIER → ' +
        'MARTÍNEZ MEJÍA, ROBERTO; fecha de nacimiento: 11/07/1956 → —): no se asignó nada. El caso se muestra de ' +
        'nuevo como está ahora: léalo y luego decida',
    );
  });
});
