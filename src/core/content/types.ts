import type { MatchDecisionKind, MatchReason, NameFields } from '../matching/types.js';

/** How the words of a stated name were assigned to surnames and given names. */
export type NameOrder =
  /** `APELLIDOS, NOMBRES` */
  | 'comma'
  /** Separate labels: `Apellido paterno:`, `Apellido materno:`, `Nombre(s):` */
  | 'fields'
  /** `GARZA TIJERINA MARIA ESTHER` */
  | 'surnames_first'
  /** `MARIA ESTHER GARZA TIJERINA` */
  | 'given_first';

/** The patient's name as the document states it. Field values upper-case, accents kept (as the registry's). */
export interface ContentName extends NameFields {
  /** The name as read from the document, after OCR clean-up: `María Esther GARZA TIJERINA`. */
  written: string;
  order: NameOrder;
  /** The other reading of a name written without a comma when nothing showed its order; otherwise null. */
  alternative: NameFields | null;
}

export type ContentField = 'expediente' | 'name' | 'birthDate' | 'sex';

/** Where a value was read, for a reviewer to find it: `{ field: 'expediente', page: 1, text: 'Exp.: 30000O3799' }`. */
export interface ContentEvidence {
  field: ContentField;
  /** 1-based. */
  page: number;
  /** The label and the value as written (one line, at most 120 characters). */
  text: string;
}

/** The identity a document states about its patient; every field null when it states none. */
export interface ContentIdentity {
  /** 8–12 digits, OCR look-alikes corrected. */
  expediente: string | null;
  name: ContentName | null;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string | null;
  /**
   * The other reading of a numeric birth date under an English label whose day and month could be either
   * way round (`DOB: 05/03/1985`: `birthDate` 1985-05-03, this 1985-03-05); null when the date reads one
   * way only. Compare with both: neither reading alone is the document's word.
   */
  birthDateAlternative: string | null;
  /** F or M, as the registry stores it (M is masculino: the registry import's convention). */
  sex: 'F' | 'M' | null;
  evidence: ContentEvidence[];
  /** Other patient expedientes the document states (under an Expediente label): a second patient's pages? */
  otherExpedientes: string[];
  /** Other patient names stated under a Paciente label that are not the same person as `name`. */
  otherNames: string[];
}

export interface ReadContentIdentityOptions {
  /**
   * Pages read, first first (default 3): the header is on the first page, repeated on the next ones. The
   * top of every later page is still read for another patient's header (`otherExpedientes`,
   * `otherNames`): a second document scanned onto the end of a file starts on any page.
   */
  maxPages?: number;
  /** Characters read of the first page (default 6,000): headers sit at the top; a long page's tail is narrative. */
  maxCharsPerPage?: number;
  /** Characters read of each later page (default 2,000): where a repeated header, or another patient's, starts. */
  maxCharsLaterPages?: number;
  /**
   * The current year, to read a two-digit birth year (15/03/85). Without it two-digit years are not read:
   * the core has no clock.
   */
  referenceYear?: number;
}

/**
 * `agrees`: the document names the patient the filename leads to; `contradicts`: someone else; `absent`: no
 * identity; `confirmed`: with `trustContent`, the document's own expediente and full name chose the patient
 * the file was attached to (`content_confirmed`), whatever the filename led to (the reasons say what).
 */
export type ContentVerdict = 'agrees' | 'contradicts' | 'absent' | 'confirmed';

/** How one stated field compares with the patient the filename leads to (or the filename, for a new patient). */
export type FieldAgreement = 'agrees' | 'differs' | 'near' | 'uncertain' | 'not_stated' | 'not_comparable';

/** A registry patient as the details show it: enough for a reviewer to tell two people apart. */
export interface PatientSummary {
  patient_id: string;
  expediente: string;
  nombre_completo: string;
  fecha_nacimiento: string | null;
  sexo: string | null;
}

/**
 * The cross-check, JSON-serialisable, stored as `matching_details.content` and printed by `match --json`:
 * what the document states, how it compares field by field, whom it names in the registry, and why.
 */
export interface ContentCheckDetails {
  verdict: ContentVerdict;
  identity: {
    expediente: string | null;
    /** `APELLIDOS, NOMBRES` as read into fields. */
    nombre_completo: string | null;
    /** The name as the document writes it. */
    nombre_escrito: string | null;
    fecha_nacimiento: string | null;
    /**
     * The other reading of an ambiguous numeric date (`birthDateAlternative`); null when none. Absent from
     * details recorded before English labels were read.
     */
    fecha_nacimiento_alternativa?: string | null;
    sexo: 'F' | 'M' | null;
    evidence: ContentEvidence[];
    other_expedientes: string[];
    other_names: string[];
  };
  /** Field by field, against `compared_with`. */
  fields: {
    expediente: FieldAgreement;
    nombre: FieldAgreement;
    fecha_nacimiento: FieldAgreement;
    sexo: FieldAgreement;
  };
  /**
   * The registry patient the filename leads to; null when the filename describes a new patient, or leads to a
   * review whose first candidate is under another expediente that the document does not state (the document
   * is then compared with the filename itself).
   */
  compared_with: PatientSummary | null;
  /** The registry patient the document itself names, when the registry holds one. */
  content_patient: (PatientSummary & { by: 'expediente' | 'name' }) | null;
  /** Plain-words reasons for the verdict and any change of decision. */
  reasons: string[];
  /** The filename's decision before the cross-check (the decision itself may have changed). */
  filename_decision: { decision: MatchDecisionKind; reason: MatchReason; patient_id: string | null };
  /** Whether the registry was consulted for the document's own identity. */
  registry_checked: boolean;
  trust_content: boolean;
}
