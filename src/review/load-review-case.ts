import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { MatchingDetails } from '../core/matching/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { UserError } from '../errors.js';
import { matchAgainstRegistry } from '../db/match-against-registry.js';
import { readSessionSettings } from './session-settings.js';
import { previewLines } from './text-preview.js';
import type { ReviewCase } from './types.js';

/**
 * Builds the evidence for one file from what is stored (no PDF is read): the filename parsed again,
 * the matching run again against the registry as it is now (it may have changed since the file was
 * held), and the first lines of the kept text.
 */
export async function loadReviewCase(database: OpenDatabase, fileId: string): Promise<ReviewCase> {
  const batches = new BatchRepository(database.db);
  const patients = new PatientRepository(database.db);
  const file = await batches.findFile(fileId);
  if (!file) throw new UserError(`file ${fileId} is not in the database`);
  const session = await batches.findSession(file.batchId);
  const settings = session ? readSessionSettings(session) : null;
  const held = readDetails(file.matchingDetails);
  const parse = parseFilename(file.filename);
  const base = {
    fileId: file.id,
    batchId: file.batchId,
    relativePath: file.relativePath,
    filename: file.filename,
    heldReason: held?.reason ?? null,
    content: held?.content ?? null,
    heldConfidence: file.matchConfidence,
    pages: file.pages,
    preview: previewLines(file.extractedText),
    textMissing: !file.extractedText,
  };
  if (!parse.ok) {
    return {
      ...base,
      parsed: null,
      parseError: parse.error.message,
      decision: null,
      candidates: [],
      expedienteOwner: null,
      idConflict: false,
    };
  }
  const parsed = parse.parsed;
  const [totalPatients, owner] = await Promise.all([
    patients.count(),
    patients.findByExpediente(parsed.expediente),
  ]);
  const decision = await matchAgainstRegistry(patients, parsed, {
    totalPatients,
    thresholds: settings?.thresholds ?? DEFAULT_THRESHOLDS,
  });
  return {
    ...base,
    parsed,
    parseError: null,
    decision,
    candidates: decision.candidates,
    expedienteOwner: owner ?? null,
    idConflict: decision.reason === 'id_conflict',
  };
}

function readDetails(json: string | null): Pick<MatchingDetails, 'reason' | 'content'> | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Partial<MatchingDetails>;
    if (typeof value.reason !== 'string') return null;
    return value.content ? { reason: value.reason, content: value.content } : { reason: value.reason };
  } catch {
    return null;
  }
}
