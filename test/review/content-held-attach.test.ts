import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { importRegistry } from '../../src/app/import-registry.js';
import { openSearchAdapters } from '../../src/app/open-backends.js';
import { ReviewWalk, type ReviewWalkState } from '../../src/app/review-walk.js';
import { ingest } from '../../src/commands/ingest.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { ReviewService } from '../../src/review/review-service.js';
import type { ReviewCase } from '../../src/review/types.js';
import { EN, ES, type Messages } from '../../src/ui/i18n/messages.js';
import { layoutReview } from '../../src/ui/review/review-layout.js';
import { initialReviewView } from '../../src/ui/review/review-view.js';
import { commandContext, defaultBackends } from '../support/command-context.js';
import { createTempDir } from '../support/databases.js';
import { createInProcessExtractor } from '../support/in-process-extractor.js';
import { fakeService, pendingOf } from '../ui/support/review-cases.js';
import { REGISTRY_CSV } from './support/ingested-sample.js';

/**
 * Files the ingest's content check holds, which one key attached in review all the same: a document whose
 * name keeps only the filename patient's given names (JORGE ACOSTA MORALES in a file named REYES MARTINEZ,
 * JORGE), and a file whose page 2 is a second patient's note. Both now need the confirming `y`, saying why.
 */
const OTHER_SURNAMES = '3000606291_REYES MARTINEZ, JORGE_9200000001_LAB.pdf';
const SECOND_PATIENT = '3000910709_DAVILA RIVERA, ROSA MARIA_9000000008_CONS.pdf';

let dir: string;
let database: OpenDatabase;
let service: ReviewService;

beforeAll(async () => {
  dir = createTempDir('tecsalud-review-held-');
  const drop = path.join(dir, 'drop');
  fs.mkdirSync(drop);
  const meta = { title: 'nota', date: '2024-03-12' };
  fs.writeFileSync(
    path.join(drop, OTHER_SURNAMES),
    await makeTextPdf(['RESULTADOS DE LABORATORIO\nPaciente: JORGE ACOSTA MORALES\nGlucosa 95 mg/dL'], meta),
  );
  fs.writeFileSync(
    path.join(drop, SECOND_PATIENT),
    await makeTextPdf(
      [
        'NOTA DE CONSULTA\nPaciente: DAVILA RIVERA, ROSA MARIA   Expediente: 3000910709\nEvolución favorable.',
        'NOTA DE CONSULTA\nPaciente: JOSEFINA CASTILLO BAUTISTA   Expediente: 3000855322\nCefalea tensional.',
      ],
      meta,
    ),
  );
  const db = path.join(dir, 'registry.db');
  await importRegistry({ file: REGISTRY_CSV, db, cwd: dir });
  const context = await commandContext({ cwd: dir, db, extractor: createInProcessExtractor() });
  await ingest(drop, { nonInteractive: true, json: true }, context);
  database = await openDatabase(resolveDatabaseTarget(db, { cwd: dir }));
  const backends = await defaultBackends();
  service = new ReviewService({
    database,
    reviewer: 'revisora',
    openVectors: (collection) => openSearchAdapters({ database, backends, collection }),
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function caseFor(filename: string): Promise<ReviewCase> {
  const file = (await service.listPending()).find((f) => f.filename === filename);
  if (!file) throw new Error(`${filename} was not held for review`);
  return service.loadCase(file.id);
}

/** Key 1 on the case in a walk: the state it leaves, and what reached the service. */
async function pressOne(c: ReviewCase) {
  const { service: fake, calls } = fakeService([c]);
  const walk = new ReviewWalk(fake, [pendingOf(c)], { guardMs: 0, now: () => 0 });
  await walk.start();
  await walk.perform({ type: 'attach', candidate: 1 });
  return { state: walk.getState(), calls };
}

function confirmation(state: ReviewWalkState, messages: Messages): string {
  const layout = layoutReview({
    state,
    view: initialReviewView(),
    width: 119,
    rows: 60,
    messages,
    reviewer: 'ana',
  });
  return [...layout.header, ...layout.body, ...layout.footer]
    .map((line) => line.map((s) => s.text).join(''))
    .join('\n');
}

describe('review of a file the content check held', { tags: ['slow'] }, () => {
  it('the same given names on other surnames: candidate 1 is flagged, and `1` asks for `y` naming the name', async () => {
    const c = await caseFor(OTHER_SURNAMES);
    const first = c.evidence[0]!;
    expect(first.expediente).toBe('3000606291');
    expect(c.document?.agreement.name).toBe('differs'); // against the filename: no partial agreement
    expect(first.agreement.name).toBe('differs');
    expect(first.risks).toContain('name_contradicts');

    const { state, calls } = await pressOne(c);
    expect(state.phase).toBe('confirming');
    expect(state.confirm?.risks).toContain('name_contradicts');
    expect(calls).toEqual([]);
    const es = confirmation(state, ES);
    expect(es).toMatch(/el documento nombra a ACOSTA MORALES, JORGE, claramente otra persona que\s+REYES/);
  });

  it('a second patient later in the file: every attach of the whole file asks for `y`, saying why', async () => {
    const c = await caseFor(SECOND_PATIENT);
    expect(c.evidence.length).toBeGreaterThan(0);
    for (const evidence of c.evidence) expect(evidence.risks).toContain('second_patient_in_file');
    expect(c.evidence[0]!.expediente).toBe('3000910709');

    const { state, calls } = await pressOne(c);
    expect(state.phase).toBe('confirming');
    expect(state.confirm?.risks).toContain('second_patient_in_file');
    expect(calls).toEqual([]);
    const flat = (messages: Messages) => confirmation(state, messages).replace(/\s+/g, ' ');
    expect(flat(ES)).toContain('el archivo nombra a otro paciente más adelante (3000855322');
    expect(flat(ES)).toContain('r lo rechaza para que archivo clínico separe el archivo');
    expect(flat(EN)).toContain('attaching it files those pages under DAVILA RIVERA, ROSA MARIA too');
  });
});
