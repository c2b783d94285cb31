import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { MatchDecision, MatchThresholds } from '../core/matching/types.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { matchAgainstRegistry } from '../db/match-against-registry.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface FilenameMatch {
  filename: string;
  /** Why the name does not parse; then there is no decision. */
  error?: string;
  decision?: MatchDecision;
}

/** How each filename would match against the registry now: what `ingest` would decide. */
export async function matchFilenames(
  location: RegistryLocation,
  filenames: string[],
  thresholds: MatchThresholds,
): Promise<FilenameMatch[]> {
  return withRegistry(location, async ({ db }) => {
    const patients = new PatientRepository(db);
    const totalPatients = await patients.count();
    const out: FilenameMatch[] = [];
    for (const name of filenames) {
      const filename = path.basename(name);
      const parse = parseFilename(filename);
      if (!parse.ok) out.push({ filename, error: parse.error.message });
      else out.push({ filename, decision: await matchAgainstRegistry(patients, parse.parsed, { totalPatients, thresholds }) });
    }
    return out;
  });
}
