import type { DocumentType } from '../../../src/core/filename/types.js';

/** The hospital service's map, restated here so a change to the table has to be deliberate. */
export const SERVICE_MAP: [code: string, type: DocumentType][] = [
  ['CONS', 'consultation'],
  ['EMER', 'emergency'],
  ['URG', 'emergency'],
  ['LAB', 'lab_results'],
  ['LABO', 'lab_results'],
  ['IMG', 'imaging'],
  ['RX', 'imaging'],
  ['TAC', 'imaging'],
  ['RMN', 'imaging'],
  ['ECO', 'imaging'],
  ['PRESC', 'prescription'],
  ['REC', 'prescription'],
  ['ALTA', 'discharge'],
  ['EGRESO', 'discharge'],
  ['CIR', 'surgery'],
  ['CIRUGIA', 'surgery'],
  ['PROC', 'surgery'],
  ['OTROS', 'other'],
  ['MISC', 'other'],
  ['GEN', 'other'],
];
