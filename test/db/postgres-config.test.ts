import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresConnectionConfig } from '../../src/db/postgres-config.js';
import { ExitCode } from '../../src/errors.js';
import { createTempDir } from '../support/databases.js';

/**
 * sslmode read as libpq and psql read it (node-postgres 8 reads `require` as `verify-full` unless asked):
 * what a connection string asks for decides whether the certificate is checked. The servers behind it are
 * tested in test/e2e/postgres-tls.test.ts.
 */
describe('postgresConnectionConfig', () => {
  let dir: string;
  let ca: string;
  beforeAll(() => {
    dir = createTempDir('tecsalud-pg-config-');
    ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (query: string) =>
    postgresConnectionConfig(`postgres://app:pw@db.hospital.test:5432/registry${query}`);

  it('no sslmode, or disable: plain TCP', async () => {
    expect((await read('')).tls).toBe('off');
    expect((await read('?sslmode=disable')).tls).toBe('off');
  });

  it('require: encrypted, the certificate not checked (as psql), unlike node-postgres on its own', async () => {
    const config = await read('?sslmode=require');
    expect(config.tls).toBe('encrypted');
    expect(config.client.ssl).toMatchObject({ rejectUnauthorized: false });
  });

  it('verify-full checks the certificate and the host; sslrootcert=system uses the system CAs', async () => {
    for (const query of ['?sslmode=verify-full', '?sslrootcert=system']) {
      const config = await read(query);
      expect(config.tls, query).toBe('verify-full');
      expect(config.client.ssl).toBeTruthy();
      expect((config.client.ssl as { rejectUnauthorized?: boolean }).rejectUnauthorized).not.toBe(false);
    }
  });

  it('verify-ca, or require with sslrootcert: the CA is checked, the host name is not', async () => {
    for (const mode of ['verify-ca', 'require']) {
      const config = await read(`?sslmode=${mode}&sslrootcert=${encodeURIComponent(ca)}`);
      expect(config.tls, mode).toBe('verify-ca');
      expect(config.client.ssl).toMatchObject({ ca: expect.stringContaining('not checked here') });
    }
  });

  it('settings that cannot work are the configuration to fix (64), with a hint', async () => {
    await expect(read('?sslmode=verify-ca')).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      hint: expect.stringMatching(/sslrootcert/),
    });
    const missing = path.join(dir, 'missing.pem');
    await expect(
      read(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(missing)}`),
    ).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringContaining(missing),
    });
  });
});
