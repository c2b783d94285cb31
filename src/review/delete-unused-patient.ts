import type { Transaction } from 'kysely';
import { isFrequencyKey, patientBlockingKeys } from '../core/matching/blocking-keys.js';
import { encodeExpediente, hashBlockingKey } from '../db/blocking-key-codes.js';
import type { Database } from '../db/schema.js';

/**
 * Deletes a patient created by a review decision that is being undone, with its blocking keys and
 * its share of the name-term counters — but only when no document refers to it any more.
 * (Mirrors PatientRepository's private key bookkeeping; belongs there as `deleteIfUnused`.)
 */
export async function deleteUnusedPatient(trx: Transaction<Database>, patientId: string): Promise<boolean> {
  const patient = await trx.selectFrom('patients').selectAll().where('id', '=', patientId).executeTakeFirst();
  if (!patient) return false;
  const used = await trx
    .selectFrom('medicalDocuments')
    .select('id')
    .where('patientId', '=', patientId)
    .executeTakeFirst();
  if (used) return false;
  const expedienteCode = encodeExpediente(patient.expediente);
  for (const key of new Set(patientBlockingKeys(patient))) {
    if (isFrequencyKey(key)) {
      await trx
        .updateTable('nameTermCounts')
        .set((eb) => ({ patients: eb('patients', '-', 1) }))
        .where('term', '=', key)
        .execute();
    } else {
      await trx
        .deleteFrom('patientBlockingKeys')
        .where('keyHash', '=', hashBlockingKey(key))
        .where('expedienteCode', '=', expedienteCode)
        .execute();
    }
  }
  await trx.deleteFrom('patients').where('id', '=', patientId).execute();
  return true;
}
