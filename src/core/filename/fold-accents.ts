/**
 * Strips combining marks (Á→A, Ñ→N) for lookups only: the parser keeps names as written, but a
 * type code typed as CIRUGÍA or a compound surname written PONCE DE LEÓN must still be recognised.
 */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');
}
