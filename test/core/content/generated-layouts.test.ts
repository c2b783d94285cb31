import { describe, expect, it } from 'vitest';
import { isIdentityAbsent, readContentIdentity } from '../../../src/core/content/index.js';
import { judgeSamePerson } from '../../../src/core/matching/index.js';
import { foldText } from '../../../src/core/matching/fold-text.js';
import {
  HEADER_LAYOUTS,
  createNameSampler,
  deriveSeed,
  documentPages,
  type ClinicalDocument,
} from '../../../fixtures/generator/index.js';

const TYPE_CODES = ['CONS', 'EMER', 'LAB', 'IMG', 'PRESC', 'ALTA', 'CIR', 'OTROS'];

function documents(seed: number, count: number): ClinicalDocument[] {
  const sampler = createNameSampler(seed);
  return Array.from({ length: count }, (_, i) => {
    const p = sampler.patient();
    return {
      patient: { ...p, expediente: String(3_000_000_001 + i * 3) },
      typeCode: TYPE_CODES[i % TYPE_CODES.length]!,
      numero: String(6_000_000_000 + i),
      date: '2024-03-12',
      pages: 1 + (i % 3),
      seed: deriveSeed(seed, i),
    };
  });
}

const fold = (s: string) => foldText(s);

describe('readContentIdentity over generated documents, every header layout', () => {
  const docs = documents(20261215, 120);

  it.each(HEADER_LAYOUTS)('%s', (layout) => {
    for (const doc of docs) {
      const identity = readContentIdentity(documentPages(doc, { layout }));
      const p = doc.patient;
      if (layout !== 'name_only') expect(identity.expediente).toBe(p.expediente);
      else expect(identity.expediente).toBeNull();
      expect(identity.birthDate).toBe(p.fechaNacimiento);
      expect(identity.sex).toBe(p.sexo);
      const name = identity.name;
      expect(name, `${layout}: ${doc.patient.nombres} ${doc.patient.apellidoPaterno}`).not.toBeNull();
      // A name written without a comma may be read two ways; one of them must be the patient.
      const readings = name!.alternative === null ? [name!] : [name!, name!.alternative];
      expect(readings.map((r) => judgeSamePerson(r, p))).toContain('same');
      if (name!.order === 'comma' || name!.order === 'fields') {
        expect([name!.apellidoPaterno, name!.apellidoMaterno, name!.nombres].map(fold)).toEqual(
          [p.apellidoPaterno, p.apellidoMaterno, p.nombres].map(fold),
        );
      }
      expect(identity.otherExpedientes).toEqual([]);
      expect(identity.otherNames).toEqual([]);
    }
  });

  it('finds nothing in documents without a header', () => {
    for (const doc of docs) {
      expect(isIdentityAbsent(readContentIdentity(documentPages(doc, { layout: 'none' })))).toBe(true);
    }
  });

  it('reads most headers through OCR noise, and never reads another patient from them', () => {
    let exact = 0;
    for (const doc of docs) {
      const identity = readContentIdentity(documentPages(doc, { layout: 'comma', ocrNoise: 0.1 }));
      if (identity.expediente === doc.patient.expediente) exact++;
      if (identity.name !== null) expect(judgeSamePerson(identity.name, doc.patient)).not.toBe('another');
    }
    expect(exact / docs.length).toBeGreaterThan(0.9);
  });

  it('is deterministic', () => {
    const doc = docs[0]!;
    expect(documentPages(doc, { layout: 'table', ocrNoise: 0.05 })).toEqual(
      documentPages(doc, { layout: 'table', ocrNoise: 0.05 }),
    );
  });
});
