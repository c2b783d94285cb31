import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBackendConfig } from '../../src/config/load-config.js';
import { createTempDir } from '../support/databases.js';
import { REPO_ROOT } from '../support/ingest-fixture.js';

describe('the environment variables of the configuration', () => {
  it("are each named in the README's table of settings, so that IT staff can find what a server reads", () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src/config/load-config.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/\be\('([A-Z_]+)'\)/g)].map(([, name]) => name!))];
    expect(read).toContain('OPENAI_API_VERSION');
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('## Backends and configuration'),
      readme.indexOf('### The embedded defaults'),
    );
    expect(read.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('take OPENAI_API_VERSION for Azure when AZURE_OPENAI_API_VERSION is not set, as the Azure SDKs do', async () => {
    const cwd = createTempDir('tecsalud-api-version-');
    try {
      expect(
        (await loadBackendConfig({ cwd, env: { OPENAI_API_VERSION: '2024-06-01' } })).azure.apiVersion,
      ).toBe('2024-06-01');
      const both = { OPENAI_API_VERSION: '2024-06-01', AZURE_OPENAI_API_VERSION: '2024-10-21' };
      expect((await loadBackendConfig({ cwd, env: both })).azure.apiVersion).toBe('2024-10-21');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
