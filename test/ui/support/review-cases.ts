import type { ReviewService } from '../../../src/review/review-service.js';
import type {
  AttachRisk,
  CandidateEvidence,
  DecisionResult,
  PendingEntry,
  ReviewCase,
  ReviewChoice,
  UndoResult,
} from '../../../src/review/types.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/matching/thresholds.js';

const exact = (value: string) => ({ kind: 'exact' as const, filename: value, candidate: value });

/** A candidate as the review shows it (synthetic data). */
export function evidence(
  rank: number,
  expediente: string,
  name: string,
  confidence: number,
  patch: Partial<CandidateEvidence> = {},
): CandidateEvidence {
  return {
    rank,
    patientId: `p-${expediente}`,
    expediente,
    name,
    birthDate: '1984-03-12',
    sex: 'F',
    confidence,
    scores: {
      idMatch: 0,
      nearId: 0,
      levenshtein: 0.91,
      jaroWinkler: 0.95,
      token: 0.9,
      wordIntersection: 0.67,
      nameSimilarity: 0.88,
      frequencyWeight: 1,
      combined: confidence,
    },
    documents: { count: 2, latestTypes: ['LAB', 'EMER'] },
    holdsExpediente: false,
    expedienteRelation: 'different',
    nameExact: false,
    alignment: 'straight',
    nameFields: { paterno: exact('BONILLA'), materno: exact('SEPULVEDA'), nombres: exact('ADRIANA') },
    agreement: { expediente: 'unknown', name: 'unknown', birthDate: 'unknown', sex: 'unknown' },
    risks: [] as AttachRisk[],
    sameIdentity: false,
    ...patch,
  };
}

/** An id-conflict case with four candidates: the expediente belongs to clearly another person. */
export function fourCandidateCase(patch: Partial<ReviewCase> = {}): ReviewCase {
  const filename = '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf';
  const candidates = [
    evidence(1, '3000147773', 'BONILLA SEPÚLVEDA, ADRIANA', 0.89, {
      nameExact: true,
      agreement: { expediente: 'unknown', name: 'agrees', birthDate: 'agrees', sex: 'agrees' },
    }),
    evidence(2, '3000576011', 'ACOSTA MORALES, JORGE', 0.5, {
      sex: 'M',
      birthDate: '1951-07-30',
      holdsExpediente: true,
      expedienteRelation: 'same',
      documents: { count: 7, latestTypes: ['CONS', 'LAB', 'RX'] },
      nameFields: {
        paterno: { kind: 'different', filename: 'BONILLA', candidate: 'ACOSTA' },
        materno: { kind: 'different', filename: 'SEPULVEDA', candidate: 'MORALES' },
        nombres: { kind: 'different', filename: 'ADRIANA', candidate: 'JORGE' },
      },
      agreement: { expediente: 'unknown', name: 'differs', birthDate: 'differs', sex: 'differs' },
      risks: ['id_conflict', 'below_review_threshold', 'birth_date_contradicts', 'sex_contradicts'],
    }),
    evidence(3, '3000147717', 'BONILLA SEPULVEDA, ADRIANA M', 0.81, {
      nameFields: {
        paterno: exact('BONILLA'),
        materno: exact('SEPULVEDA'),
        nombres: { kind: 'initial', filename: 'ADRIANA', candidate: 'ADRIANA M' },
      },
    }),
    evidence(4, '3000991204', 'BONILLA SOTO, ADRIANA', 0.62, {
      nameFields: {
        paterno: exact('BONILLA'),
        materno: { kind: 'different', filename: 'SEPULVEDA', candidate: 'SOTO' },
        nombres: exact('ADRIANA'),
      },
    }),
  ];
  return {
    fileId: 'f1',
    batchId: 'b1c2d3e4-0000-4000-8000-000000000001',
    relativePath: `lab/${filename}`,
    filename,
    registeredAt: '2026-11-30T22:10:00.000Z',
    parsed: {
      filename,
      expediente: '3000576011',
      apellidos: 'BONILLA SEPÚLVEDA',
      apellidoPaterno: 'BONILLA',
      apellidoMaterno: 'SEPÚLVEDA',
      nombres: 'ADRIANA',
      nombreCompleto: 'BONILLA SEPÚLVEDA, ADRIANA',
      numero: '6888240511',
      documentType: 'lab_results',
      documentTypeCode: 'LAB',
    } as ReviewCase['parsed'],
    parseError: null,
    decision: null,
    candidates: [],
    evidence: candidates,
    expedienteOwner: {
      id: 'p-3000576011',
      expediente: '3000576011',
      apellidoPaterno: 'ACOSTA',
      apellidoMaterno: 'MORALES',
      nombres: 'JORGE',
      fechaNacimiento: '1951-07-30',
      sexo: 'M',
      source: 'registry_import',
      createdAt: '',
      updatedAt: '',
    } as ReviewCase['expedienteOwner'],
    idConflict: true,
    heldReason: 'id_conflict',
    heldConfidence: 0.5,
    detached: null,
    pages: 2,
    text: [
      'TECSALUD HOSPITAL SAN JOSÉ — REPORTE DE LABORATORIO CLÍNICO',
      'Paciente: BONILLA SEPÚLVEDA, ADRIANA   Expediente: 3000576011',
      'Fecha de nacimiento: 12/03/1984   Sexo: F',
      ...Array.from(
        { length: 30 },
        (_, i) => `Analito ${i + 1}: ${(4.2 + i / 10).toFixed(1)} mg/dL (referencia 3.5-5.5)`,
      ),
      'FIN DEL REPORTE',
    ],
    textMissing: false,
    document: {
      source: 'text',
      expediente: '3000576011',
      name: 'BONILLA SEPÚLVEDA, ADRIANA',
      nameFields: null,
      birthDate: '1984-03-12',
      birthDateAlternative: null,
      sex: 'F',
      evidence: [],
      otherExpedientes: [],
      otherNames: [],
      verdict: null,
      reasons: [],
      agreement: { expediente: 'agrees', name: 'agrees' },
    },
    thresholds: { ...DEFAULT_THRESHOLDS },
    ...patch,
  } as ReviewCase;
}

export function pendingOf(c: ReviewCase): PendingEntry {
  return {
    fileId: c.fileId,
    sessionId: c.batchId,
    relativePath: c.relativePath,
    expediente: c.parsed?.expediente ?? null,
    name: c.parsed?.nombreCompleto ?? null,
    typeCode: c.parsed?.documentTypeCode ?? null,
    registeredAt: c.registeredAt,
    reason: c.heldReason,
    confidence: c.heldConfidence,
  };
}

/** A stand-in ReviewService that records what the walk asks of it (the real one is tested in test/review). */
export function fakeService(cases: ReviewCase[]) {
  const calls: string[] = [];
  const decided: { fileId: string; choice: ReviewChoice['kind'] }[] = [];
  /** Files another sitting settled, as the database would say (a test fills it). */
  const settledElsewhere = new Map<string, { status: string; by: string | null }>();
  const service = {
    settledAmong: async (fileIds: readonly string[]) =>
      new Map([...settledElsewhere].filter(([fileId]) => fileIds.includes(fileId))),
    get undoDepth() {
      return decided.length;
    },
    loadCase: async (fileId: string) => {
      const found = cases.find((c) => c.fileId === fileId)!;
      const settled = settledElsewhere.get(fileId);
      return settled ? { ...found, settledElsewhere: settled } : found;
    },
    decide: async (c: ReviewCase, choice: ReviewChoice): Promise<DecisionResult> => {
      calls.push(`${choice.kind}${choice.kind === 'attach' ? choice.candidate : ''}:${c.fileId}`);
      if (choice.kind === 'new_patient') {
        return {
          ok: false,
          fileId: c.fileId,
          message: 'taken',
          notice: { code: 'expediente_taken', expediente: '3000576011', name: 'ACOSTA MORALES, JORGE' },
        };
      }
      if (choice.kind !== 'skip') decided.push({ fileId: c.fileId, choice: choice.kind });
      const notice =
        choice.kind === 'attach'
          ? {
              code: 'attached' as const,
              expediente: c.evidence[choice.candidate - 1]!.expediente,
              name: 'X',
              chunks: 3,
            }
          : choice.kind === 'reject'
            ? { code: 'rejected' as const }
            : { code: 'skipped' as const };
      return { ok: true, choice: choice.kind, fileId: c.fileId, message: choice.kind, notice };
    },
    undo: async (): Promise<UndoResult> => {
      calls.push('undo');
      const last = decided.pop();
      if (!last) return { ok: false, message: 'nothing', notice: { code: 'nothing_to_undo' } };
      const choice = last.choice as 'attach' | 'reject';
      return { ok: true, fileId: last.fileId, choice, message: 'undone', notice: { code: 'undone', choice } };
    },
    close: async () => {
      calls.push('close');
    },
    whyNotRecorded: () => null,
  };
  return { service: service as unknown as ReviewService, calls, settledElsewhere };
}
