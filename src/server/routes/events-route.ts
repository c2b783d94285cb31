import type { FastifyInstance } from 'fastify';
import { findSession, withUploadsCounted } from '../../app/upload-sessions.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type { BatchUpload } from '../../db/schema.js';
import { eventJson, finishedFromSummary, processSummary, sessionErrorMessage } from '../api-json.js';
import { missingSession } from '../missing-session.js';
import { errors, sessionParams } from '../schemas.js';
import type { ServerDeps } from '../server-deps.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx: pass each event on at once instead of buffering the stream.
  'x-accel-buffering': 'no',
};

/** What the OpenAPI document says of the stream (its events are no JSON schema a generator could read). */
const EVENTS_DESCRIPTION =
  'Server-sent events, each `event: TYPE` with a JSON `data` line. `snapshot`: the session’s counts now (first, ' +
  'and last when a stopping server ends the stream). `session_started`: `session_id`, `total_files`, ' +
  '`processing_type`. `file_started`: `file_id`, `filename`. `file_stage`: `file_id`, `filename`, `stage` ' +
  '(validate, parse, match, extract, content, chunk, embed, store) and, while OCR reads a scanned PDF, one event ' +
  'per page with `ocr_page` (the page being read) of `ocr_pages` (the pages it reads); both null otherwise. ' +
  '`file_finished`: the file’s `outcome`, `processing_status`, `patient_matching_status` (the status’s values: ' +
  '`pending` for a file that failed before it was matched), `matching_confidence`, ' +
  '`error_message` and the running `totals`. `file_outcome_changed`: a file reported before whose state changed ' +
  '(`previous_outcome`, the new `outcome`, the `totals` after). `session_finished`: `status`, `detailed_status`, ' +
  '`processing_time`, `totals` (and, for a session that ended before the stream saw its run, the counts as the ' +
  'status has them and its `error_message`); the stream ends. `server_stopping`: a `message`; the stream ends, reconnect ' +
  'once the server is back. `session_gone`: the session was discarded or expired (never processed), with the 410 ' +
  "answer's `message`, `discarded_at`, `discarded_by` (and `expired`); the stream ends. A comment line every 15 s keeps " +
  'proxies from closing a quiet stream.';

/**
 * `GET /{session_id}/events`: server-sent events with the dashboard's progress. First a `snapshot` (the
 * session's counts now), then `session_started`, `file_started`, `file_stage` (per OCR'd page of a scan, with
 * `ocr_page` of `ocr_pages`), `file_finished` (with the
 * running totals), `file_outcome_changed` (a file reported before whose state changed: `previous_outcome`, the
 * new `outcome` and the totals after) and `session_finished`, after which the stream ends. A session already finished gets its
 * snapshot and `session_finished` at once. A run that fails before it can start (a backend refused) records
 * the session `failed` with its `error_message`: the stream ends with that `session_finished`. Snapshots
 * count the files as the status does. A server stopping sends `server_stopping` (with a message) to every
 * stream, then ends it.
 */
export function eventsRoute(app: FastifyInstance, deps: ServerDeps, streams: Set<() => void>): void {
  app.get<{ Params: { session_id: string } }>(
    '/:session_id/events',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'Follow a session’s progress (text/event-stream)',
        description: EVENTS_DESCRIPTION,
        params: sessionParams,
        produces: ['text/event-stream'],
        response: { ...errors(400, 401, 403, 404, 410) },
      },
    },
    async (request, reply) => {
      const sessionId = request.params.session_id;
      const session = await findSession(deps.database, sessionId);
      if (!session) throw await missingSession(deps.database, sessionId);
      // HEAD (a monitor, `curl -I`) asks whether the stream is there, not to follow it: the same headers, then
      // the end. Fastify runs this handler for HEAD too, and a stream opened for it would never end.
      if (request.method === 'HEAD') return reply.code(200).headers(EVENT_STREAM_HEADERS).send();
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        ...EVENT_STREAM_HEADERS,
        connection: 'keep-alive',
      });
      const send = (type: string, data: unknown) =>
        raw.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(keepAlive);
        unsubscribe();
        streams.delete(stopping);
        deps.stopping.removeEventListener('abort', stopping);
        raw.end();
      };
      // Told before the stream ends, so that a client knows to reconnect later rather than take the end for a
      // dropped connection or a finished session. On the stop's signal itself: a run that stops next must not
      // end the stream first.
      const stopping = () => {
        if (ended) return;
        send('server_stopping', {
          session_id: sessionId,
          message:
            'the server is stopping: its processing resumes when it starts again; reconnect then to follow it',
        });
        end();
      };
      const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();
      /** The session now, with the counts its status shows (files uploaded before a run counts them too). */
      const summary = async (now: BatchUpload, message: string) => ({
        ...processSummary(await withUploadsCounted(deps.database, now), message),
        error_message: sessionErrorMessage(now),
      });
      const closed = (now: BatchUpload) => now.status !== 'pending' && now.status !== 'processing';
      // A run that ended without its own session_finished (a stop, or a failure before it could start): a
      // session it left closed (failed, with why) ends the stream with session_finished; one left open (a
      // server stopping) with where it stands.
      const afterRun = async () => {
        const now = await findSession(deps.database, sessionId);
        if (!now || ended) return;
        const data = await summary(now, 'snapshot');
        if (ended) return;
        if (closed(now)) send('session_finished', finishedFromSummary(data));
        else send('snapshot', data);
        end();
      };
      const unsubscribe = deps.runs.subscribe(sessionId, {
        event: (event: PipelineEvent) => {
          if (ended) return;
          const { type, data } = eventJson(event);
          send(type, data);
          if (event.type === 'session_finished') end();
        },
        runEnded: () =>
          void afterRun()
            .catch(() => undefined)
            .finally(end),
        // Discarded or expired while followed: the answer its calls now get (410), then the end.
        gone: (gone) => {
          if (ended) return;
          send('session_gone', { session_id: sessionId, ...gone });
          end();
        },
      });
      streams.add(stopping);
      deps.stopping.addEventListener('abort', stopping, { once: true });
      request.raw.on('close', end);
      if (deps.stopping.aborted) return stopping();
      // Read after subscribing: a run that ends from here on is seen by the subscription.
      const current = (await findSession(deps.database, sessionId)) ?? session;
      const snapshot = await summary(current, 'snapshot');
      if (ended) return;
      send('snapshot', snapshot);
      const open = !closed(current) || deps.runs.isRunning(sessionId);
      if (!open) {
        send('session_finished', finishedFromSummary(snapshot));
        end();
      }
    },
  );
}
