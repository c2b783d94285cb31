import { sql, type Expression, type RawBuilder } from 'kysely';
import { foldAccents } from '../core/filename/fold-accents.js';

/** The accented letters a Mexican registry writes, either case, and the letters they fold to. */
const ACCENTED = 'ÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇáàâäãéèêëíìîïóòôöõúùûüñç';
const UNACCENTED = [...ACCENTED].map((letter) => foldAccents(letter)).join('');

/**
 * `text` in uppercase without accents (ÁVILA → AVILA, Núñez → NUNEZ), as SQL: records staff type names without
 * accents, and an alphabetical list must put ÁVILA beside AVILA, not after ZAMORA. Pair it with
 * `foldAccents(x).toUpperCase()` on the value compared. PostgreSQL's translate() does the folding; an embedded
 * database is given one (see `translateLikePostgres`), since SQLite has none and its upper() knows ASCII only —
 * nested replace() calls, which both run, cost twice as much on a large registry.
 */
export function foldedUpperSql(text: Expression<string> | RawBuilder<string>): RawBuilder<string> {
  return sql<string>`upper(translate(${text}, ${sql.lit(ACCENTED)}, ${sql.lit(UNACCENTED)}))`;
}

const NON_ASCII = /[^ -~]/u;
const ASCII = /[ -~]/u;

/**
 * PostgreSQL's translate(string, from, to), for SQLite: each character of `from` in `string` becomes the
 * character at the same place in `to`, or is dropped when `to` is shorter.
 */
export function translateLikePostgres(text: string | null, from: string, to: string): string | null {
  if (text === null) return null;
  // Most names are printable ASCII, and the folded letters are not: nothing to translate (the fold runs once
  // per row of a whole-registry sort).
  if (!NON_ASCII.test(text) && !ASCII.test(from)) return text;
  let out = '';
  for (const character of text) {
    const at = from.indexOf(character);
    out += at < 0 ? character : (to[at] ?? '');
  }
  return out;
}
