import type { SessionProcessing } from '../app/process-session.js';
import type { RegistryLocation } from '../app/open-registry.js';
import type { IngestSessionOptions } from '../app/ingest-session.js';
import type { UploadStore } from '../app/upload-store.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { SessionRuns } from './session-runs.js';
import { API_SESSIONS_PATH } from '../core/pipeline/client-advice.js';

/** What the routes share: the open registry, the backends, the upload folder and the runs under way. */
export interface ServerDeps {
  database: OpenDatabase;
  location: RegistryLocation;
  backends: BackendConfig;
  store: UploadStore;
  processing: SessionProcessing;
  runs: SessionRuns;
  /** The settings a new session records (chunking, thresholds, limits). */
  defaults: IngestSessionOptions;
  /**
   * `uploadIdleTimeoutMs`: how long an upload may go without a byte arriving before it is given up (408).
   * `sessionExpiryMs`: how long a session nobody processed is kept after its last upload (0: for ever).
   */
  limits: {
    maxFileSize: number;
    maxFilesPerSession: number;
    uploadIdleTimeoutMs: number;
    sessionExpiryMs: number;
  };
  now: () => Date;
  /** Aborted when the server starts stopping: uploads being received are cut off (see the upload route). */
  stopping: AbortSignal;
}

/** One spelling of the sessions' path, for the routes and for the advice files' messages give API clients. */
export const API_PREFIX = API_SESSIONS_PATH;
