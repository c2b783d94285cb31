import { describe, expect, it } from 'vitest';
import { withoutLocations } from '../../../src/core/text/without-locations.js';

describe('withoutLocations', () => {
  it.each([
    [
      "the database '/var/lib/tecsalud/registry.db' is locked by another program, which kept a write open for more than 15 s",
      'the database is locked by another program, which kept a write open for more than 15 s',
    ],
    [
      'cannot reach the PostgreSQL database postgres://tecsalud@10.0.0.5:5432/registry: connect ECONNREFUSED 10.0.0.5:5432',
      'cannot reach the PostgreSQL database: connect ECONNREFUSED',
    ],
    [
      "cannot reach the Chroma server at http://chroma.internal:8000 to read collection 'medical_documents': getaddrinfo ENOTFOUND chroma.internal",
      "cannot reach the Chroma server to read collection 'medical_documents': getaddrinfo ENOTFOUND",
    ],
    [
      'lost the connection to the PostgreSQL database postgres://u@[::1]:5432/x: connect ECONNREFUSED ::1:5432',
      'lost the connection to the PostgreSQL database: connect ECONNREFUSED',
    ],
  ])('%s', (message, told) => {
    expect(withoutLocations(message)).toBe(told);
  });

  it('leaves the API routes a message points to', () => {
    const message = 'have an admin settle it: POST /api/v1/documents/batch/3f2a/review/9c1e/decision';
    expect(withoutLocations(message)).toBe(message);
  });
});
