/**
 * The reasons the matcher gives for a candidate (core/matching: describe-match, match-patient), in Spanish,
 * for `match`'s text output. As for the other tables, the whole English sentence is matched by its fixed
 * words and the names and expedientes in it are kept; a sentence no rule knows is shown as it is.
 */
import { KIND_PHRASES } from '../../core/matching/describe-match.js';
import type { FieldMatchKind } from '../../core/matching/types.js';
import { fixed, literal, type RefusalRule } from './refusal-rules.js';

const KIND_BY_PHRASE = new Map(
  Object.entries(KIND_PHRASES).map(([kind, phrase]) => [phrase, kind as FieldMatchKind]),
);

const PHRASES = [...KIND_BY_PHRASE.keys()].map(literal).join('|');

export function candidateReasonRules(kindWords: (kind: FieldMatchKind) => string): readonly RefusalRule[] {
  return [
    fixed("named by the document's own text", 'nombrado por el propio texto del documento'),
    fixed('expediente matches', 'el expediente coincide'),
    {
      en: /^expediente one keystroke from the filename's \((.*)\)$/,
      es: ([expediente]) => `el expediente (${expediente}) difiere en una tecla del que trae el archivo`,
    },
    {
      en: /^expediente the same number but for leading zeros \((.*)\)$/,
      es: ([expediente]) => `el mismo número de expediente salvo los ceros a la izquierda (${expediente})`,
    },
    {
      en: /^expediente differs \((.*)\)$/,
      es: ([expediente]) => `el expediente es distinto (${expediente})`,
    },
    fixed('name identical', 'nombre idéntico'),
    fixed(
      'name identical after folding accents, Ñ and punctuation',
      'nombre idéntico al ignorar acentos, Ñ y puntuación',
    ),
    fixed('surnames in swapped order', 'apellidos en orden invertido'),
    {
      en: new RegExp(`^(apellido paterno|apellido materno|nombres): (${PHRASES}) \\((.*) vs (.*)\\)$`),
      es: ([field, phrase, given, registered]) =>
        `${field}: ${kindWords(KIND_BY_PHRASE.get(phrase!)!)} (${given} frente a ${registered})`,
    },
    {
      en: /^sexo: registered (F|M), but the filename's (.*) is (a woman's|a man's) name$/,
      es: ([registered, word, whose]) =>
        `sexo: registrado ${registered}, pero ${word} en el archivo es nombre de ${whose === "a woman's" ? 'mujer' : 'hombre'}`,
    },
    {
      en: /^common name: about (\S+) other patients are expected to share it$/,
      es: ([count]) => `nombre común: se espera que unos ${count} pacientes más lo compartan`,
    },
  ];
}

/** A candidate's reason in Spanish, or as it is when no rule knows it. */
export function translateCandidateReason(
  reason: string,
  kindWords: (kind: FieldMatchKind) => string,
): string {
  for (const rule of candidateReasonRules(kindWords)) {
    const match = rule.en.exec(reason);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        (nested) => nested,
      );
  }
  return reason;
}
