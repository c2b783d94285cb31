import type { FastifyInstance } from 'fastify';
import { otherRunHolding, SessionGoneError } from '../../app/process-session.js';
import { apiCallEvent, recordApiCall } from '../../app/api-audit.js';
import { decideReview, listReviewCases } from '../../app/api-reviews.js';
import { asSeenNow } from '../../app/abandoned-runs.js';
import { findSessionExpiry, sessionExpiresAt } from '../../app/expire-sessions.js';
import {
  createUploadSession,
  discardUploadSession,
  findSession,
  isSessionFinished,
  listSessionFiles,
  takesUploads,
  withUploadsCounted,
} from '../../app/upload-sessions.js';
import type { BatchUpload, ProcessingType } from '../../db/schema.js';
import { ApiError } from '../api-error.js';
import { countAlreadyWaiting, processSummary, reviewItem, sessionStatus } from '../api-json.js';
import { actorOf } from '../auth.js';
import {
  cleanupResponse,
  createSessionBody,
  createSessionResponse,
  decisionBody,
  discardResponse,
  decisionResponse,
  errors,
  fileParams,
  processQuery,
  processResponse,
  reviewResponse,
  sessionParams,
  statusResponse,
} from '../schemas.js';
import { goneBody, missingSession } from '../missing-session.js';
import { API_PREFIX, type ServerDeps } from '../server-deps.js';

/**
 * Another process (a second server, or a worker, on the same database) holds the session's lock: the client is
 * told so plainly. The lock's folder, process id and host are the operator's business: SessionRuns logs them.
 */
function heldElsewhere(): ApiError {
  return new ApiError(
    409,
    'another server on the same database is processing this session: follow its status; once it has finished, ' +
      'process it again if files are left',
  );
}

/**
 * The embedded vector store lives in a SQLite registry's file; a server on PostgreSQL has nowhere to keep
 * vectors (and servers sharing that database could not share one process's store) until Chroma is configured.
 * A session that needs vectors is refused up front (422) with what to do, not failed at processing with the
 * operator's flags as its only explanation.
 */
function refuseVectorsWithoutStore(deps: ServerDeps, processingType: ProcessingType): void {
  if (processingType === 'complete' || deps.backends.vectorStore === 'chroma' || deps.database.sqlite) return;
  throw new ApiError(
    422,
    `processing_type '${processingType}' stores vectors, and this server has no vector store it can use: its ` +
      'registry is PostgreSQL and the embedded store lives only in a SQLite registry. Use processing_type ' +
      "'complete' (text only), or ask the server's administrator to configure Chroma (serve --vector-store chroma " +
      '--chroma-url URL)',
  );
}

interface SessionParams {
  session_id: string;
}

/** The session routes: create, process, status, review and its decisions, cleanup, discard. */
export function sessionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { database } = deps;

  // 404 for an id the registry never held, 410 for a session discarded (see missingSession).
  const sessionOrMissing = async (sessionId: string): Promise<BatchUpload> => {
    const session = await findSession(database, sessionId);
    if (!session) throw await missingSession(database, sessionId);
    return session;
  };

  app.post<{ Body: { processing_type: ProcessingType; uploaded_by: string } }>(
    '/create-session',
    {
      config: { role: 'uploader' },
      schema: {
        summary: 'Create a session to upload files into',
        body: createSessionBody,
        response: { 200: createSessionResponse, ...errors(400, 401, 403, 415, 422) },
      },
    },
    async (request) => {
      refuseVectorsWithoutStore(deps, request.body.processing_type);
      const uploadedBy = request.body.uploaded_by.trim();
      // Spaces pass the schema's minimum length; the session and the audit log would name nobody.
      if (uploadedBy === '') throw new ApiError(400, 'uploaded_by is blank: give the name of who uploads');
      const session = await createUploadSession(database, deps.store, {
        processingType: request.body.processing_type,
        uploadedBy,
        token: actorOf(request).name,
        defaults: deps.defaults,
        limits: deps.limits,
        collection: deps.backends.collection,
      });
      await recordApiCall(database, {
        action: 'api_session_created',
        actor: actorOf(request).name,
        client: request.ip,
        sessionId: session.id,
        details: { processing_type: session.processingType, uploaded_by: session.uploadedBy },
      });
      return {
        session_id: session.id,
        message: 'session created: upload files, then process it',
        expires_at: sessionExpiresAt(session, session.createdAt, deps.limits.sessionExpiryMs),
      };
    },
  );

  app.post<{ Params: SessionParams; Querystring: { wait: boolean } }>(
    '/:session_id/process',
    {
      config: { role: 'uploader' },
      schema: {
        summary: 'Process the session’s files: by default the answer comes when the session is done',
        params: sessionParams,
        querystring: processQuery,
        response: {
          200: processResponse,
          202: processResponse,
          ...errors(400, 401, 403, 404, 409, 410, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const sessionId = request.params.session_id;
      const session = await sessionOrMissing(sessionId);
      if (!deps.store.holds(session)) {
        throw new ApiError(
          409,
          'this session was made by `ingest` from a folder: run that ingest again instead',
        );
      }
      // A session created before the server's configuration changed: refused before it is marked started.
      if (!deps.runs.isRunning(sessionId)) refuseVectorsWithoutStore(deps, session.processingType);
      if (takesUploads(session) && !deps.runs.isRunning(sessionId)) {
        const files = await listSessionFiles(database, sessionId);
        if (files.length === 0) {
          // No files because a discard removed them (and the session) just now: say that, not "upload some".
          await sessionOrMissing(sessionId);
          throw new ApiError(400, 'the session has no files yet: upload some first');
        }
      }
      if (!deps.runs.isRunning(sessionId) && (await isSessionFinished(database, session))) {
        // Nothing to start: said as it is, waiting or not ("processing started" was untrue), with the status it ended in.
        await recordApiCall(database, {
          action: 'api_session_processed',
          actor: actorOf(request).name,
          client: request.ip,
          sessionId,
          details: { wait: request.query.wait, already_processed: true },
        });
        const files = await listSessionFiles(database, sessionId);
        return processSummary(
          { ...session, alreadyWaiting: countAlreadyWaiting(files) },
          `the session was already processed (${session.status}): nothing was started; its status lists ` +
            'each file, and its review the files waiting for a decision',
        );
      }
      const joined = deps.runs.isRunning(sessionId);
      const run = deps.runs.start(sessionId);
      if (!joined) {
        await recordApiCall(database, {
          action: 'api_session_processed',
          actor: actorOf(request).name,
          client: request.ip,
          sessionId,
          details: { wait: request.query.wait },
        });
      }
      if (!request.query.wait) {
        // A failure is logged by SessionRuns and recorded on the session (failed, with its message, and the
        // events' session_finished): the client follows the status or the events.
        run.catch(() => undefined);
        // Except another server holding the session: "processing started" would be untrue, so wait for the lock.
        await deps.runs.lockTaken(sessionId).catch((error: unknown) => {
          if (otherRunHolding(error)) throw heldElsewhere();
        });
        // The run may not have counted the files yet: say how many the session holds, as the status does.
        const now = await withUploadsCounted(database, await sessionOrMissing(sessionId));
        return reply.code(202).send(
          processSummary(
            {
              ...now,
              // Under way (a retry's session may still say `failed` until its run marks it started).
              status: deps.runs.isRunning(sessionId) ? 'processing' : now.status,
            },
            'processing started: follow the status or the events',
          ),
        );
      }
      const result = await run.catch(async (error: unknown) => {
        // A discard the run waited for (they go in turn) took the session: answered as the status would be.
        if (error instanceof SessionGoneError) throw await missingSession(database, sessionId);
        throw otherRunHolding(error) ? heldElsewhere() : error;
      });
      if (result.interrupted) {
        throw new ApiError(
          503,
          'the server is stopping: the session resumes when it starts again',
          processSummary(
            { ...result.session, alreadyWaiting: result.totals.alreadyWaiting ?? 0 },
            'interrupted',
          ),
        );
      }
      return processSummary(
        { ...result.session, alreadyWaiting: result.totals.alreadyWaiting ?? 0 },
        'session processed',
        result.seconds || undefined,
      );
    },
  );

  app.get<{ Params: SessionParams }>(
    '/:session_id/status',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'The session and each of its files',
        params: sessionParams,
        response: { 200: statusResponse, ...errors(400, 401, 403, 404, 410) },
      },
    },
    async (request) => {
      // A folder's session whose `ingest DIR` run was killed is shown interrupted, as the CLI shows it.
      const session = await asSeenNow(database, await sessionOrMissing(request.params.session_id));
      // A folder's session (`ingest DIR`) never expires: its files are the folder's, not the server's.
      const expiresAt = deps.store.holds(session)
        ? await findSessionExpiry(database, session, deps.limits.sessionExpiryMs)
        : null;
      return sessionStatus(session, await listSessionFiles(database, session.id), expiresAt);
    },
  );

  app.get<{ Params: SessionParams }>(
    '/:session_id/review',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'The session’s files waiting for review, with their candidates',
        params: sessionParams,
        response: { 200: reviewResponse, ...errors(400, 401, 403, 404, 410) },
      },
    },
    async (request) => {
      const session = await sessionOrMissing(request.params.session_id);
      const cases = await listReviewCases(database, session.id);
      return {
        session_id: session.id,
        review_required_count: cases.length,
        files_requiring_review: cases.map(reviewItem),
      };
    },
  );

  app.post<{
    Params: SessionParams & { file_id: string };
    Body: { action: 'attach' | 'new_patient' | 'reject'; expediente?: string };
  }>(
    '/:session_id/review/:file_id/decision',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Decide a file waiting for review: attach to a candidate, new patient, or reject',
        description:
          'The same decision again on a file it settled (a retry) answers 200 and changes nothing; a different ' +
          'decision on a file already decided answers 409.',
        params: fileParams,
        body: decisionBody,
        response: { 200: decisionResponse, ...errors(400, 401, 403, 404, 409, 410, 415, 422, 503) },
      },
    },
    async (request) => {
      const { session_id: sessionId, file_id: fileId } = request.params;
      await sessionOrMissing(sessionId);
      const actor = actorOf(request);
      const result = await decideReview({
        database,
        backends: deps.backends,
        reviewer: actor.name,
        sessionId,
        fileId,
        action: request.body.action,
        expediente: request.body.expediente,
      });
      if (!result.ok) {
        const status = { not_found: 404, not_pending: 409, conflict: 409, invalid: 400, refused: 422 }[
          result.reason
        ];
        throw new ApiError(status, result.message);
      }
      const file = (await listSessionFiles(database, sessionId)).find((f) => f.id === fileId);
      // A repeat of the decision recorded (a client's retry) changed nothing: the first call's entry stands alone.
      if (!result.repeated) {
        await recordApiCall(database, {
          action: 'api_review_decision',
          actor: actor.name,
          client: request.ip,
          sessionId,
          fileId,
          documentId: file?.documentId ?? null,
          details: {
            decision: request.body.action,
            expediente: request.body.expediente ?? null,
            patient_after: file?.patientId ?? null,
          },
        });
      }
      return {
        message: result.message,
        session_id: sessionId,
        file_id: fileId,
        action: result.choice,
        patient_matching_status: file?.matchingStatus ?? 'unknown',
        processing_status: file?.processingStatus ?? 'unknown',
        document_id: file?.documentId ?? null,
      };
    },
  );

  app.delete<{ Params: SessionParams }>(
    '/:session_id/cleanup',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Remove the session’s working state and its uploaded files (documents are kept)',
        params: sessionParams,
        response: { 200: cleanupResponse, ...errors(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const sessionId = request.params.session_id;
      const session = await sessionOrMissing(sessionId);
      if (deps.runs.isRunning(sessionId) || session.status === 'processing') {
        throw new ApiError(409, 'the session is being processed: clean it up once it has finished');
      }
      if (takesUploads(session)) {
        throw new ApiError(
          409,
          `the session has not been processed: process it first (its files would be lost), or discard it with DELETE ${API_PREFIX}/${sessionId}/discard`,
        );
      }
      const { cleanupSessions } = await import('../../app/cleanup-sessions.js');
      const actor = actorOf(request);
      const [report] = await cleanupSessions(deps.location, deps.backends, {
        session: sessionId,
        purge: false,
        user: actor.name,
        userKind: 'token',
      });
      const uploads = deps.store.holds(session);
      if (uploads) await deps.store.removeSession(sessionId);
      await recordApiCall(database, {
        action: 'api_session_cleaned',
        actor: actor.name,
        client: request.ip,
        sessionId,
        details: {
          removed_file_records: report?.removed_file_records ?? 0,
          kept_pending_reviews: report?.kept_pending_reviews ?? 0,
        },
      });
      return {
        message:
          `session ${sessionId} cleaned up: ${report?.removed_file_records ?? 0} file records ` +
          // A session made by `ingest DIR` has no uploads: its files are its folder's, which the API leaves alone.
          (uploads
            ? 'and the uploaded files removed'
            : 'removed; the files in its folder are left as they are') +
          (report?.kept_pending_reviews
            ? `; ${report.kept_pending_reviews} files waiting for review kept`
            : ''),
        removed_file_records: report?.removed_file_records ?? 0,
        kept_pending_reviews: report?.kept_pending_reviews ?? 0,
      };
    },
  );

  app.delete<{ Params: SessionParams }>(
    '/:session_id/discard',
    {
      config: { role: 'admin' },
      schema: {
        summary:
          'Discard a session that was never processed, with the files uploaded into it (a processed one is cleaned up instead)',
        params: sessionParams,
        response: { 200: discardResponse, ...errors(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const sessionId = request.params.session_id;
      const session = await sessionOrMissing(sessionId);
      if (!deps.store.holds(session)) {
        // An API admin cannot run the command: the route that does the same is named, the command kept for the records team.
        throw new ApiError(
          409,
          'this session was made by `ingest` from a folder, whose files are not the API’s to remove: the API discards only ' +
            `the sessions it took uploads for; clean this one up instead, once it has finished: DELETE ${API_PREFIX}/${sessionId}/cleanup ` +
            `(its documents are kept; the records team’s \`tecsalud-batch cleanup ${sessionId.slice(0, 8)}\` does the same)`,
        );
      }
      // Audited in the discard's own commit: a call about the session on another server finds it discarded (410), never
      // gone without a word (404).
      const result = await discardUploadSession(database, deps.store, sessionId, {
        isIdle: () => !deps.runs.isRunning(sessionId),
        audit: (discarded, files) =>
          apiCallEvent({
            action: 'api_session_discarded',
            actor: actorOf(request).name,
            client: request.ip,
            sessionId,
            details: {
              status: discarded.status,
              processing_type: discarded.processingType,
              uploaded_by: discarded.uploadedBy,
              created_at: discarded.createdAt,
              discarded_files: files.map((file) => file.relativePath),
            },
          }),
      });
      if (!result.ok) {
        if (result.reason === 'not_found') throw await missingSession(database, sessionId);
        if (result.reason === 'receiving') {
          throw new ApiError(
            409,
            'files are being uploaded into the session: discard it once that upload has finished',
          );
        }
        const now = result.session ?? session;
        throw new ApiError(
          409,
          now.status === 'processing' || deps.runs.isRunning(sessionId)
            ? 'the session is being processed: it cannot be discarded; clean it up once it has finished'
            : `the session has been processed (${now.status}): it cannot be discarded; clean it up instead (DELETE ${API_PREFIX}/${sessionId}/cleanup)`,
        );
      }
      deps.runs.announceGone(sessionId, goneBody(await missingSession(database, sessionId)));
      const count = result.files.length;
      return {
        message: `session ${sessionId} discarded: never processed; ${count} uploaded file${count === 1 ? '' : 's'} removed`,
        session_id: sessionId,
        discarded_files: count,
      };
    },
  );
}
