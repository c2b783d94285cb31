export const DOCUMENT_TYPES = [
  'consultation',
  'emergency',
  'lab_results',
  'imaging',
  'prescription',
  'discharge',
  'surgery',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** A TecSalud filename that fits `[EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf`. */
export interface ParsedFilename {
  /** The base name as given, normalised to Unicode NFC. */
  filename: string;
  /** Medical record number: 8–12 digits. */
  expediente: string;
  /** All surnames as written: uppercased, whitespace collapsed, NFC (accents and Ñ kept). */
  apellidos: string;
  apellidoPaterno: string;
  /** Empty when the filename carries a single surname. */
  apellidoMaterno: string;
  /** Given names, possibly several words. */
  nombres: string;
  /** `APELLIDOS, NOMBRES` after normalisation. */
  nombreCompleto: string;
  /** Document number; null when the filename has no NUMERO part. */
  numero: string | null;
  documentType: DocumentType;
  /** The type code as written in the filename, uppercased (kept even when it maps to `other`). */
  documentTypeCode: string;
}

export type FilenameErrorCode =
  | 'empty'
  | 'hidden'
  | 'not_utf8'
  | 'not_pdf'
  | 'wrong_part_count'
  | 'invalid_expediente'
  | 'expediente_length'
  | 'no_comma'
  | 'missing_surnames'
  | 'missing_given_names'
  | 'invalid_name_characters'
  | 'invalid_numero'
  | 'missing_type'
  | 'invalid_type';

export interface FilenameError {
  code: FilenameErrorCode;
  /** What is wrong, in words a records administrator understands. */
  message: string;
  /** `[EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf` */
  expectedFormat: string;
  example: string;
}

export type FilenameParseResult =
  | { ok: true; filename: string; parsed: ParsedFilename }
  | { ok: false; filename: string; error: FilenameError };
