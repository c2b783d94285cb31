import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import fsp from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordApiCall } from '../../app/api-audit.js';
import { findSessionExpiry } from '../../app/expire-sessions.js';
import {
  findSession,
  registerUploads,
  takesUploads,
  type ReceivedUpload,
} from '../../app/upload-sessions.js';
import { checkPdfFile, formatBytes } from '../../core/pipeline/check-pdf-file.js';
import { ApiError } from '../api-error.js';
import { parsedUpload } from '../api-json.js';
import { actorOf } from '../auth.js';
import { errors, sessionParams, uploadResponse } from '../schemas.js';
import { missingSession } from '../missing-session.js';
import { sanitizeUploadName } from '../upload-filename.js';
import { readPartNames, type PartNames } from '../upload-part-names.js';
import type { ServerDeps } from '../server-deps.js';

/** A file of the request that was not taken, with the status it would have alone. */
interface FailedUpload {
  filename: string;
  status_code: number;
  error: string;
  message: string;
}

const STOPPING =
  'the server is stopping: nothing of this upload was kept; upload the files again once it is back';

/** busboy's words for a body that is not the multipart form its Content-Type announces (cut short, or not one at all). */
const NO_BOUNDARY = /^Multipart: Boundary not found$/;
const ENDED_EARLY = /unexpected end of multipart data/i;

/** Longest header block of a part read for its names: a part's headers are a few hundred bytes. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The first bytes of a file, where the `%PDF-` header must be. */
const HEAD_BYTES = 1024;

/**
 * `POST /{session_id}/upload`: multipart, one or more `files` parts (another body is refused unread: 415).
 * Each part is streamed to a temporary file in the session's folder (never held in memory) and checked: at
 * most the size limit (413), a name ending in .pdf (415), a `%PDF-` header (400); a part is named by its own
 * Content-Disposition (filename* over filename, RFC 6266: see readPartNames), and refused (400) when its two names
 * differ, when it cannot be read, or when the name is over the limit; a `files` part sent as text
 * instead of a file fails too (400). The files that pass are
 * registered together once the whole request has arrived; a request cut short (the client closing, a body
 * that is not a whole multipart form: 400, no byte for `uploadIdleTimeoutMs`: 408) registers nothing and
 * leaves no file behind. The others are listed in `failed_files`; when no file of the request was taken, the
 * answer has the status of the first one's failure.
 */
export function uploadRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Params: { session_id: string } }>(
    '/:session_id/upload',
    {
      config: { role: 'uploader' },
      schema: {
        summary: 'Upload PDFs into a session (multipart, `files` parts)',
        consumes: ['multipart/form-data'],
        params: sessionParams,
        response: { 200: uploadResponse, ...errors(400, 401, 403, 404, 408, 409, 410, 413, 415, 503) },
      },
      // After the token is checked, before the body is read: a body that is not a multipart form is refused whole.
      preParsing: async (request, _reply, payload) => {
        const mediaType = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
        if (mediaType !== 'multipart/form-data') throw notMultipart(mediaType, request.url.split('?')[0]!);
        return payload;
      },
    },
    async (request, reply) => {
      const sessionId = request.params.session_id;
      const session = await findSession(deps.database, sessionId);
      if (!session) throw await missingSession(deps.database, sessionId);
      if (!deps.store.holds(session))
        throw new ApiError(409, 'this session was made by `ingest` from a folder: it takes no uploads');
      if (!takesUploads(session) || deps.runs.isRunning(sessionId)) {
        throw new ApiError(
          409,
          `the session is ${takesUploads(session) ? 'processing' : session.status}: it takes no more files; create a new session`,
        );
      }
      await deps.store.ensureSessionDir(sessionId);
      const { maxFileSize, maxFilesPerSession } = deps.limits;
      const received: ReceivedUpload[] = [];
      const failed: FailedUpload[] = [];
      const temporary: string[] = [];
      // Until the request is done, its temporary files are being received: a run starting meanwhile keeps them.
      try {
        // A server stopping cuts off the uploads it is receiving (a slow or stalled client would otherwise hold the
        // stop), and so does a client that stops sending without closing: the file being streamed fails with the
        // answer's error, nothing of the request is kept, and the client is told why.
        let receiving: (NodeJS.ReadableStream & { destroy(error?: Error): void }) | null = null;
        const cutOff = (error: ApiError) => {
          // Between two parts there is no file to fail: the connection itself is cut (the client sees it reset).
          if (receiving) receiving.destroy(error);
          else request.raw.destroy();
        };
        const stop = () => cutOff(new ApiError(503, STOPPING));
        deps.stopping.addEventListener('abort', stop, { once: true });
        let stalled = false;
        let stopWatchingIdle = () => {};
        let names: PartNames | null = null;
        try {
          if (deps.stopping.aborted) throw new ApiError(503, STOPPING);
          const partLimit = maxFilesPerSession + 20;
          const parts = startIterating(
            request.parts({
              limits: { fileSize: maxFileSize, files: maxFilesPerSession, fields: 20, parts: partLimit },
            }),
          );
          // The iteration started: busboy is piped the body, so this listener sees each chunk after it.
          names = readPartNames(request.raw, request.headers['content-type'], {
            maxHeaderBytes: MAX_HEADER_BYTES,
            maxParts: partLimit,
          });
          stopWatchingIdle = watchIdleBody(request, deps.limits.uploadIdleTimeoutMs, () => {
            stalled = true;
            cutOff(stalledError(deps.limits.uploadIdleTimeoutMs));
          });
          for await (const part of parts) {
            const named = names.nameOf(part);
            if (part.type !== 'file') {
              // A `files` part sent as text (curl -F 'files=a.pdf' without the @, a form whose input is not a file
              // input) is a file the client meant to send: said, not dropped. Other text fields are not the API's.
              if (part.fieldname === 'files') failed.push(textPartRefusal(part.value, part.mimetype));
              continue;
            }
            if (deps.stopping.aborted) throw new ApiError(503, STOPPING);
            // busboy's filename is not the part's name when it has two (filename and filename*): read its own.
            const early =
              part.fieldname !== 'files'
                ? {
                    filename: named.filename,
                    message: `unexpected field '${part.fieldname}': send the PDFs as \`files\` parts`,
                  }
                : named.ok
                  ? null
                  : named;
            if (early) {
              receiving = part.file;
              await drain(part.file);
              receiving = null;
              failed.push({
                filename: early.filename || '(no name)',
                status_code: 400,
                error: errorName(400),
                message: early.message,
              });
              continue;
            }
            const filename = (named.ok && named.filename) || '';
            const incoming = await deps.store.createIncoming(sessionId);
            temporary.push(incoming);
            receiving = part.file;
            // Opening the file createIncoming made keeps its mode (owner-only, or the config's fileMode).
            await pipeline(part.file, fs.createWriteStream(incoming, { flags: 'r+' }));
            receiving = null;
            const refusal = part.file.truncated
              ? {
                  status: 413,
                  message:
                    `the file is over the limit of ${formatBytes(maxFileSize)}: split it into smaller PDFs, or ` +
                    "ask the server's administrator to raise it (serve --max-file-size)",
                }
              : await checkUpload(incoming, filename, maxFileSize);
            if (refusal) {
              await fsp.rm(incoming, { force: true });
              failed.push({
                filename: filename || '(no name)',
                status_code: refusal.status,
                error: errorName(refusal.status),
                message: refusal.message,
              });
            } else {
              received.push({ incomingPath: incoming, filename, size: (await fsp.stat(incoming)).size });
            }
          }
        } catch (error) {
          // Cut short (the client went away, the server is stopping, or a limit on the whole request): nothing of it is kept.
          await Promise.all(temporary.map((file) => fsp.rm(file, { force: true })));
          if (deps.stopping.aborted) throw new ApiError(503, STOPPING);
          if (!stalled && clientWentAway(request)) {
            // A client closing mid-upload (a browser tab closed, a network that dropped) is no fault of the server:
            // no stack for the operator to chase. No answer reaches it; the log says what became of the upload.
            request.log.info(
              { session_id: sessionId, files_received: received.length + failed.length },
              'the client disconnected during the upload: nothing of it was kept or registered',
            );
            throw new ApiError(
              400,
              'the client disconnected before the upload ended: nothing of it was kept',
            );
          }
          if (stalled) {
            // The rest of the body will never be read: the connection must not be kept for another request.
            reply.header('connection', 'close');
            throw stalledError(deps.limits.uploadIdleTimeoutMs);
          }
          const message = error instanceof Error ? error.message : '';
          if (NO_BOUNDARY.test(message)) {
            throw new ApiError(
              400,
              "the Content-Type multipart/form-data names no boundary: send the files as a multipart form (curl -F, a browser's FormData)",
            );
          }
          if (ENDED_EARLY.test(message)) {
            throw new ApiError(
              400,
              'the body is not a whole multipart form: it ended before its closing boundary (cut short, or not multipart at all); nothing of it was kept',
            );
          }
          if ((error as { code?: string }).code === 'FST_FILES_LIMIT') {
            throw new ApiError(
              413,
              `a request takes at most ${maxFilesPerSession} files, the session's limit: nothing of it was kept`,
            );
          }
          // The session's folder removed under the upload: another server sharing the folder discarded or expired it.
          if ((error as { code?: string }).code === 'ENOENT') await refuseGoneSession(deps, sessionId);
          throw error;
        } finally {
          names?.stop();
          stopWatchingIdle();
          deps.stopping.removeEventListener('abort', stop);
        }
        if (received.length + failed.length === 0)
          throw new ApiError(400, 'no files: send one or more PDFs as `files` parts');
        const result = await registerUploads(deps.database, deps.store, sessionId, received, {
          maxFilesPerSession,
          isOpen: () => !deps.runs.isRunning(sessionId),
        });
        if (!result.ok) {
          await Promise.all(temporary.map((file) => fsp.rm(file, { force: true })));
          if (result.reason === 'not_found') await refuseGoneSession(deps, sessionId);
          throw new ApiError(
            409,
            'the session started processing meanwhile: it takes no more files; create a new session',
          );
        }
        for (const { upload, reason, message } of result.refused) {
          const status = reason === 'duplicate_name' ? 409 : 413;
          failed.push({ filename: upload.filename, status_code: status, error: errorName(status), message });
        }
        const uploaded = result.registered.map(({ upload, file }) => ({
          file_id: file.id,
          filename: upload.filename,
          size: upload.size,
          ...parsedUpload(upload.filename),
        }));
        const parsedCount = uploaded.filter((u) => u.parsed).length;
        const body = {
          session_id: sessionId,
          total_files: uploaded.length + failed.length,
          session_files: result.sessionFiles,
          expires_at: await findSessionExpiry(deps.database, session, deps.limits.sessionExpiryMs),
          parsing_success_rate:
            uploaded.length === 0 ? 0 : Math.round((parsedCount / uploaded.length) * 1000) / 1000,
          uploaded_files: uploaded,
          failed_files: failed,
        };
        await recordApiCall(deps.database, {
          action: 'api_files_uploaded',
          actor: actorOf(request).name,
          client: request.ip,
          sessionId,
          details: {
            uploaded: uploaded.length,
            failed: failed.length,
            file_ids: uploaded.map((u) => u.file_id),
          },
        });
        if (uploaded.length === 0) {
          throw new ApiError(failed[0]!.status_code, `no file was taken: ${failed[0]!.message}`, body);
        }
        return {
          message: `${uploaded.length} file${uploaded.length === 1 ? '' : 's'} uploaded${failed.length ? `, ${failed.length} refused` : ''}`,
          ...body,
        };
      } finally {
        deps.store.releaseIncoming(temporary);
      }
    },
  );
}

/**
 * Answers an upload into a session that went while it was received (discarded or expired, by this server or
 * another sharing the registry and folder) 410 as any call about it, once the folder this upload may have made
 * again is removed: only when empty, so nothing another upload wrote is touched. Returns when the session is
 * still there (the caller's error stands).
 */
async function refuseGoneSession(deps: ServerDeps, sessionId: string): Promise<void> {
  if (await findSession(deps.database, sessionId)) return;
  await fsp.rmdir(deps.store.sessionDir(sessionId)).catch(() => undefined);
  throw await missingSession(deps.database, sessionId);
}

/** 415, not the 406 @fastify/multipart would answer (406 is about the answer's type, not the request's), with how to send it. */
function notMultipart(mediaType: string | undefined, path: string): ApiError {
  const got = mediaType ? `not ${mediaType}` : 'the request has no Content-Type';
  return new ApiError(
    415,
    `send the PDFs as multipart/form-data, one \`files\` part each (${got}), as a browser's FormData or ` +
      `curl -F does: curl -H 'Authorization: Bearer TOKEN' -F 'files=@FILE.pdf' …${path}`,
  );
}

/** The request's connection closed before its body ended (busboy and Node then fail the parts with "aborted"). */
function clientWentAway(request: FastifyRequest): boolean {
  return request.raw.destroyed && !request.raw.complete;
}

function stalledError(idleMs: number): ApiError {
  return new ApiError(
    408,
    `no data arrived for ${idleMs / 1000} s: the upload was given up and nothing of it was kept; upload the files again`,
  );
}

/**
 * Calls `onIdle` once when no byte of the request's body has arrived for `idleMs` (a client that stopped
 * sending without closing would otherwise hold the connection and a temporary file for ever; the server has
 * no overall request time-out, as `process` may rightly take long). Returns a function that stops watching.
 */
function watchIdleBody(request: FastifyRequest, idleMs: number, onIdle: () => void): () => void {
  const body = request.raw;
  const timer = setTimeout(function check() {
    // Paused: the server is the one not reading (still writing the last part out), not the client stalling.
    if (body.readableFlowing === false) timer.refresh();
    else onIdle();
  }, idleMs);
  const heard = () => timer.refresh();
  const stop = () => {
    clearTimeout(timer);
    body.off('data', heard);
    body.off('end', stop);
  };
  // Added once the body is piped into the multipart parser: a 'data' listener before that would lose bytes.
  body.on('data', heard);
  body.once('end', stop);
  return stop;
}

/**
 * Starts an async generator now (its first `next()`, which runs its body up to its first wait) and hands it
 * back as an iterable that begins with that call: @fastify/multipart's parts() pipes the body into busboy
 * there, and the part names must be read from the body after it.
 */
function startIterating<T>(iterator: AsyncIterableIterator<T>): AsyncIterable<T> {
  let first: Promise<IteratorResult<T>> | null = iterator.next();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const next = first ?? iterator.next();
        first = null;
        return next;
      },
      return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value },
    }),
  };
}

/** Reads a part refused before its bytes were kept to its end, so that busboy goes on to the next part. */
async function drain(file: NodeJS.ReadableStream): Promise<void> {
  await pipeline(
    file,
    new Writable({
      write: (_chunk, _encoding, done) => done(),
    }),
  );
}

/** The checks that need no PDF parsing: extension (415), emptiness and the `%PDF-` header (400), size (413). */
async function checkUpload(
  file: string,
  filename: string,
  maxFileSize: number,
): Promise<{ status: number; message: string } | null> {
  const handle = await fsp.open(file, 'r');
  let size: number;
  let head: Buffer;
  try {
    size = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  // A browser's form with no file chosen sends an empty part named "" (and busboy makes "." or ".." of a path
  // "" too): that, not "the name must end in .pdf".
  if (filename === '')
    return {
      status: 400,
      message:
        size === 0 ? 'this `files` part is empty and has no filename: no file was chosen' : NO_FILENAME,
    };
  // Its bytes were not UTF-8 (a Windows client writing Latin-1): the letters are lost, and with them whose
  // document it is. Taken, it only failed later as an invalid name, with advice to rename a file on this server.
  if (filename.includes('\uFFFD')) return { status: 400, message: NAME_NOT_UTF8 };
  const check = checkPdfFile({ filename, size, head }, { maxFileSize });
  if (!check) return null;
  if (check.outcome === 'too_large') return { status: 413, message: check.message };
  if (check.outcome === 'not_pdf' && !/\.pdf$/i.test(filename)) {
    return { status: 415, message: 'only PDFs are taken: the name must end in .pdf' };
  }
  return { status: 400, message: check.message };
}

const NO_FILENAME_FIX =
  'name it in its Content-Disposition (form-data; name="files"; filename="EXPEDIENTE_APELLIDOS, NOMBRES_NUMERO_TIPO.pdf"): ' +
  'the filename says whose document it is';
const NO_FILENAME = `this \`files\` part has no filename: ${NO_FILENAME_FIX}`;
const NAME_NOT_UTF8 =
  "the filename is not UTF-8 (its letters arrived as '\uFFFD'): the client wrote it in Latin-1 or Windows-1252 " +
  "(Ñ, accents); send it in UTF-8, as browsers and curl do, or as filename*=UTF-8''<the name percent-encoded>";

/** A `files` part that came as text: named by its text when that looks like a filename (the @ left out). */
function textPartRefusal(value: unknown, mimeType: string): FailedUpload {
  const text = typeof value === 'string' ? value : '';
  // A PDF sent without a filename in its Content-Disposition (.NET's MultipartFormDataContent.Add(content, "files")
  // without a file name, a hand-built form) is a file part to the client, text to busboy: what it lacks is the name.
  if (mimeType.toLowerCase() === 'application/pdf' || text.startsWith('%PDF-')) {
    return {
      filename: '(no name)',
      status_code: 400,
      error: errorName(400),
      message: `this \`files\` part is a PDF without a filename: ${NO_FILENAME_FIX}`,
    };
  }
  const name = text.length <= 200 && !/\p{Cc}/u.test(text) ? sanitizeUploadName(text) : '';
  return {
    filename: name || '(text)',
    status_code: 400,
    error: errorName(400),
    message:
      "this `files` part is text, not a file: send each PDF as a file part (curl -F 'files=@FILE.pdf', with the @)",
  };
}

function errorName(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
