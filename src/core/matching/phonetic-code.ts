const VOWELS = new Set(['A', 'E', 'I', 'O', 'U']);

function isSoftVowel(ch: string | undefined): boolean {
  return ch === 'E' || ch === 'I';
}

/**
 * A Mexican-Spanish sound key for one folded word, so that spellings a clerk hears the same way collide:
 * S/Z/soft C, B/V, LL/Y, silent H, soft G/J, QU/K/hard C, doubled letters. GONZALEZ = GONSALES,
 * VAZQUEZ = VASQUEZ = BASKES, JIMENEZ = GIMENEZ. CH keeps its own symbol. Word-final Y is the vowel I.
 */
export function phoneticCode(word: string): string {
  let out = '';
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const ch = word[i]!;
    const next = word[i + 1];
    let code: string;
    switch (ch) {
      case 'H':
        code = '';
        break;
      case 'C':
        if (next === 'H') {
          code = '#';
          i++;
        } else code = isSoftVowel(next) ? 'S' : 'K';
        break;
      case 'Q':
        code = 'K';
        if (next === 'U') i++;
        break;
      case 'G':
        if (isSoftVowel(next)) code = 'J';
        else {
          code = 'G';
          if (next === 'U' && isSoftVowel(word[i + 2])) i++;
        }
        break;
      case 'Z':
        code = 'S';
        break;
      case 'V':
        code = 'B';
        break;
      case 'W':
        code = 'U';
        break;
      case 'L':
        if (next === 'L') {
          code = 'Y';
          i++;
        } else code = 'L';
        break;
      case 'Y':
        code = next === undefined || !VOWELS.has(next) ? 'I' : 'Y';
        break;
      default:
        code = ch;
    }
    if (code !== '' && out[out.length - 1] !== code) out += code;
  }
  return out;
}
