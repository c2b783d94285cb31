import { describe, expect, it } from 'vitest';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { writeSessionOptions } from '../../src/db/session-options.js';
import { readSessionSettings } from '../../src/review/session-settings.js';
import { SESSION_OPTIONS } from '../support/databases.js';
import {
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
} from '../support/ingest-fixture.js';

describe('the settings a review reads back from its session', () => {
  it('embeds with the batch size the session ran with', () => {
    const session = {
      processingType: 'both' as const,
      optionsJson: writeSessionOptions({ ...SESSION_OPTIONS, embed_batch_size: 7 }),
    };
    expect(readSessionSettings(session)).toMatchObject({
      embedBatchSize: 7,
      chunkSize: 1000,
      chunkOverlap: 200,
    });
  });

  it('falls back field by field for a session recorded before a field existed, or hand-edited', () => {
    const { embed_batch_size: _, ...older } = SESSION_OPTIONS;
    expect(
      readSessionSettings({ processingType: 'both', optionsJson: JSON.stringify(older) }).embedBatchSize,
    ).toBe(256);
    const edited = JSON.stringify({ ...SESSION_OPTIONS, chunk_size: 'big', collection: 'otra' });
    expect(readSessionSettings({ processingType: 'both', optionsJson: edited })).toMatchObject({
      chunkSize: 1000,
      collection: 'otra',
    });
    expect(readSessionSettings({ processingType: 'complete', optionsJson: 'not json' })).toMatchObject({
      processingType: 'complete',
      embedBatchSize: 256,
      thresholds: { auto: 0.95, review: 0.6 },
    });
  });

  it(
    'is written by the ingest: --embed-batch-size reaches the session a review reads',
    { tags: ['slow'] },
    async () => {
      const workspace = createWorkspace();
      try {
        await importSampleRegistry(workspace);
        const { report } = await ingestJson(workspace, { embedBatchSize: '7' });
        const database = await openWorkspaceDb(workspace);
        try {
          const session = (await new BatchRepository(database.db).findSession(report.session_id))!;
          expect(readSessionSettings(session).embedBatchSize).toBe(7);
        } finally {
          await database.close();
        }
      } finally {
        workspace.cleanup();
      }
    },
  );
});
