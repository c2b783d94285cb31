import { describe, expect, it } from 'vitest';
import { redactConnectionString } from '../../../src/core/text/redact-connection-string.js';

describe('redactConnectionString', () => {
  it.each([
    [
      'postgres://tecsalud:s3cr%40t@db.hospital.local:5432/tecsalud',
      'postgres://tecsalud:***@db.hospital.local:5432/tecsalud',
    ],
    [
      'postgres://tecsalud:pw@/tecsalud?host=/run/postgresql',
      'postgres://tecsalud:***@/tecsalud?host=/run/postgresql',
    ],
    [
      'postgres:///tecsalud?host=/run/postgresql&user=tecsalud&password=s3cret',
      'postgres:///tecsalud?host=/run/postgresql&user=tecsalud&password=***',
    ],
    [
      'postgres://db/tecsalud?PASSWORD=x&sslmode=require',
      'postgres://db/tecsalud?PASSWORD=***&sslmode=require',
    ],
    [
      'postgres://db/tecsalud?sslkey=k.pem&sslpassword=keypw#x',
      'postgres://db/tecsalud?sslkey=k.pem&sslpassword=***#x',
    ],
    ['postgres://tecsalud@db/tecsalud', 'postgres://tecsalud@db/tecsalud'],
  ])('%s → %s', (url, shown) => {
    expect(redactConnectionString(url)).toBe(shown);
  });
});
