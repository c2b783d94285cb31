import { describe, expect, it } from 'vitest';
import { translateLikePostgres } from '../../src/db/fold-accents-sql.js';

describe('translateLikePostgres (SQLite has no translate())', () => {
  it('does what PostgreSQL documents: each from-character becomes its to-character, or goes when to is shorter', () => {
    expect(translateLikePostgres('12345', '143', 'ax')).toBe('a2x5');
    expect(translateLikePostgres('NÚÑEZ ÁVILA', 'ÁÚÑ', 'AUN')).toBe('NUNEZ AVILA');
    expect(translateLikePostgres('GARZA', 'ÁÚÑ', 'AUN')).toBe('GARZA');
    expect(translateLikePostgres(null, 'a', 'b')).toBeNull();
  });
});
