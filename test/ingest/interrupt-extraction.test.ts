import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import { ingest } from '../../src/commands/ingest.js';
import { ExitCode } from '../../src/errors.js';
import { commandContext } from '../support/command-context.js';
import { captureIo } from '../support/databases.js';
import {
  createWorkspace,
  importSampleRegistry,
  inProcessExtractor,
  type JsonReport,
  type Workspace,
} from '../support/ingest-fixture.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

/**
 * Ctrl-C signals the terminal's whole process group; an extraction child still starting dies of it before it
 * can ignore it, and its file came back `extraction_error` — a final state, so no later run read it again.
 */
describe('an extraction process that dies during an interrupt', { tags: ['slow'] }, () => {
  it('leaves its file pending for the next run, which ingests it', async () => {
    const interrupt = new AbortController();
    let calls = 0;
    let victim: string | null = null;
    const dying: TextExtractor = {
      name: inProcessExtractor.name,
      async extract(file, options) {
        calls += 1;
        if (calls !== 3) return inProcessExtractor.extract(file, options);
        victim = file;
        interrupt.abort();
        return {
          ok: false,
          outcome: 'extraction_error',
          message: 'the extraction process exited unexpectedly',
        };
      },
      close: async () => {},
    };
    const { io, stdout } = captureIo();
    const context = await commandContext({
      cwd: workspace.root,
      db: workspace.db,
      io,
      signal: interrupt.signal,
      extractor: dying,
    });
    const code = await ingest(
      workspace.dropDir,
      { json: true, nonInteractive: true, concurrency: '1' },
      context,
    );
    expect(code).toBe(ExitCode.Interrupted);
    const report = JSON.parse(stdout()) as JsonReport;
    const stopped = report.files.find((f) => victim !== null && victim.endsWith(f.path));
    expect(stopped?.outcome).toBe('interrupted');
    expect(report.files.filter((f) => f.outcome === 'extraction_error')).toEqual([]);

    const again = captureIo();
    const next = await commandContext({
      cwd: workspace.root,
      db: workspace.db,
      io: again.io,
      extractor: inProcessExtractor,
    });
    await ingest(workspace.dropDir, { json: true, nonInteractive: true }, next);
    const resumed = JSON.parse(again.stdout()) as JsonReport;
    expect(resumed.files.find((f) => f.path === stopped!.path)?.outcome).toBe('ingested');
  });
});
