import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_SETTINGS,
  findUnknownVariables,
} from '../../src/config/unknown-environment-variables.js';
import { REPO_ROOT } from '../support/ingest-fixture.js';

describe('TECSALUD_* variables the tool does not read', () => {
  it('are found, each with the variable it most likely meant', () => {
    expect(
      findUnknownVariables({
        TECSALUD_EMBEDER: 'openai',
        tecsalud_db: 'x.db',
        TECSALUD_VECTORSTORE: 'chroma',
        TECSALUD_CONCURENCY: '4',
        TECSALUD_DB: 'ok.db',
        PATH: '/usr/bin',
      }),
    ).toEqual([
      { name: 'TECSALUD_CONCURENCY', near: null },
      { name: 'TECSALUD_EMBEDER', near: 'TECSALUD_EMBEDDER' },
      { name: 'TECSALUD_VECTORSTORE', near: 'TECSALUD_VECTOR_STORE' },
      { name: 'tecsalud_db', near: 'TECSALUD_DB' },
    ]);
  });

  it("leave alone the ones the tool sets for its children and the test suite's own", () => {
    expect(
      findUnknownVariables({
        TECSALUD_PDFIUM_MAX_MEMORY_MB: '512',
        TECSALUD_TEST_POSTGRES: 'postgres://x',
        TECSALUD_BENCH_PID: '1',
      }),
    ).toEqual([]);
  });

  it('know every TECSALUD_* name the source reads, so that a new setting is never warned about', () => {
    const named = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts'))
          for (const [name] of fs.readFileSync(file, 'utf8').matchAll(/\bTECSALUD_[A-Z_]*[A-Z]\b/g))
            named.add(name);
      }
    };
    walk(path.join(REPO_ROOT, 'src'));
    const unknown = findUnknownVariables(Object.fromEntries([...named].map((name) => [name, 'x'])));
    expect(unknown).toEqual([]);
    for (const setting of ENVIRONMENT_SETTINGS) expect(named).toContain(setting);
  });
});
