import { DocumentRepository, type DocumentListing } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { Patient } from '../db/schema.js';
import {
  findUnfinishedDocumentChanges,
  type UnfinishedDocumentChange,
} from './unfinished-document-changes.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export async function listPatients(
  location: RegistryLocation,
  page: { limit: number; offset: number },
): Promise<{ patients: Patient[]; total: number }> {
  return withRegistry(location, async ({ db }) => {
    const repository = new PatientRepository(db);
    return { patients: await repository.list(page), total: await repository.count() };
  });
}

export async function findPatient(
  location: RegistryLocation,
  expediente: string,
): Promise<Patient | undefined> {
  return withRegistry(location, ({ db }) => new PatientRepository(db).findByExpediente(expediente));
}

/** Substring search over "APELLIDOS, NOMBRES" (the text already normalised). */
export async function searchPatients(
  location: RegistryLocation,
  text: string,
  limit: number,
): Promise<Patient[]> {
  return withRegistry(location, ({ db }) => new PatientRepository(db).searchByName(text, limit));
}

/**
 * A patient and the documents attached to it, newest first (their ids are what `documents move` takes), with the
 * move or detach of any of them that did not finish: until it does, search may file it under another patient.
 */
export async function findPatientWithDocuments(
  location: RegistryLocation,
  expediente: string,
): Promise<
  | { patient: Patient; documents: (DocumentListing & { unfinished: UnfinishedDocumentChange | null })[] }
  | undefined
> {
  return withRegistry(location, async (database) => {
    const patient = await new PatientRepository(database.db).findByExpediente(expediente);
    if (!patient) return undefined;
    const documents = await new DocumentRepository(database.db).listByPatient(patient.id);
    const unfinished = new Map(
      (
        await findUnfinishedDocumentChanges(
          database,
          documents.map((document) => document.id),
        )
      ).map((change) => [change.documentId, change]),
    );
    return {
      patient,
      documents: documents.map((document) => ({
        ...document,
        unfinished: unfinished.get(document.id) ?? null,
      })),
    };
  });
}

/** Expedientes with this one's number but other leading zeros, for a lookup that found none (see the repository). */
export async function expedientesOfTheSameNumber(
  location: RegistryLocation,
  expediente: string,
): Promise<string[]> {
  return withRegistry(location, ({ db }) => new PatientRepository(db).expedientesOfTheSameNumber(expediente));
}
