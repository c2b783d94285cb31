import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';

/**
 * A server that runs other OpenAI tools has OPENAI_BASE_URL in its environment. The openai package's Azure
 * client reads that variable on its own and refuses it beside an endpoint: `--embedder azure` must use the
 * Azure endpoint it was given and leave OPENAI_BASE_URL to `--embedder openai`.
 */
describe(
  '--embedder azure beside an OPENAI_BASE_URL in the environment (the real CLI)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    let azure: FakeOpenAiServer;
    let other: FakeOpenAiServer;
    beforeEach(async () => {
      cwd = createTempDir('tecsalud-azure-env-');
      azure = await startFakeOpenAiServer({ dimension: 16, apiKey: 'azure-key' });
      other = await startFakeOpenAiServer({ dimension: 16, apiKey: 'sk-other' });
    });
    afterEach(async () => {
      await azure.close();
      await other.close();
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    const env = () => ({
      TECSALUD_DB: '',
      OPENAI_BASE_URL: `${other.url}/v1`,
      OPENAI_API_KEY: 'sk-other',
      AZURE_OPENAI_ENDPOINT: azure.url,
      AZURE_OPENAI_API_KEY: 'azure-key',
      AZURE_OPENAI_DEPLOYMENT: 'emb-hospital',
    });

    it('ingest and doctor reach the Azure deployment, not the OpenAI base URL', async () => {
      const drop = path.join(cwd, 'drop');
      fs.mkdirSync(drop);
      const name = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
      const imported = await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env: env() });
      expect(imported.code, imported.stderr).toBe(0);

      const flags = ['--embedder', 'azure', '--embedding-dimensions', '16'];
      const run = await runCli(['ingest', drop, '--json', '--non-interactive', ...flags], {
        cwd,
        env: env(),
      });
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.code, run.stderr).toBe(ExitCode.Success);
      const report = JSON.parse(run.stdout) as JsonReport;
      expect(report.files.map((f) => f.outcome)).toEqual(['ingested']);

      const doctor = await runCli(['doctor', '--json', ...flags], { cwd, env: env() });
      const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] }).checks;
      expect(checks.find((c) => c.name === 'embedder')?.status).toBe('ok');

      expect(azure.requests.length).toBeGreaterThan(0);
      expect(azure.requests.every((r) => r.path === '/openai/deployments/emb-hospital/embeddings')).toBe(
        true,
      );
      expect(other.requests).toHaveLength(0);
    });
  },
);

describe('an API key the embeddings service refuses (the real CLI)', { tags: ['slow'] }, () => {
  it('stops with 69 and names every place the key may have come from, the config file too, in both languages', async () => {
    const cwd = createTempDir('tecsalud-key-refused-');
    const server = await startFakeOpenAiServer({ dimension: 16, apiKey: 'sk-right' });
    try {
      fs.writeFileSync(
        path.join(cwd, 'tecsalud-batch.config.json'),
        JSON.stringify({ openai: { apiKey: 'sk-wrong', baseUrl: `${server.url}/v1` } }),
        { mode: 0o600 },
      );
      const env = { TECSALUD_DB: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
      const drop = path.join(cwd, 'drop');
      fs.mkdirSync(drop);
      const name = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
      const args = [
        'ingest',
        drop,
        '--non-interactive',
        '--embedder',
        'openai',
        '--embedding-dimensions',
        '16',
      ];
      const imported = await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env });
      expect(imported.code, imported.stderr).toBe(0);
      const run = await runCli(args, { cwd, env });
      expect(run.code, run.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(run.stderr).toMatch(/^error: the embeddings service at .* refused the API key \(HTTP 401\)$/m);
      expect(run.stderr).toMatch(/^hint: .*OPENAI_API_KEY.*openai\.apiKey .*config file/m);
      const es = await runCli([...args, '--lang', 'es'], { cwd, env });
      expect(es.stderr).toMatch(/^sugerencia: .*OPENAI_API_KEY.*openai\.apiKey .*archivo de configuración/m);
      expect(run.stderr + es.stderr).not.toContain('sk-wrong');
    } finally {
      await server.close();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe(
  'an Azure deployment whose model is not named, with --embedding-dimensions (the real CLI)',
  { tags: ['slow'] },
  () => {
    it('doctor says to name the model behind the deployment, as shortened vectors are asked for only then', async () => {
      const cwd = createTempDir('tecsalud-azure-dims-');
      const server = await startFakeOpenAiServer({ dimension: 32, apiKey: 'azure-key' });
      try {
        const env = {
          TECSALUD_DB: '',
          AZURE_OPENAI_ENDPOINT: server.url,
          AZURE_OPENAI_API_KEY: 'azure-key',
          AZURE_OPENAI_DEPLOYMENT: 'emb-hospital',
        };
        const args = ['doctor', '--embedder', 'azure', '--embedding-dimensions', '8'];
        const run = await runCli(args, { cwd, env });
        expect(run.stdout).toMatch(
          /^FAIL\s+embedder\s.*returned 32-dimensional vectors; expected 8 .*--embedding-model/m,
        );
        const es = await runCli([...args, '--lang', 'es'], { cwd, env });
        expect(es.stdout).toMatch(
          /^FALLO\s+modelo de búsqueda\s.*\(indique con --embedding-model el modelo/m,
        );
      } finally {
        await server.close();
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    });
  },
);
