import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * The name an uploaded file is kept under in its session's folder: derived from the session's relative
 * path (the client's sanitised filename), never the path itself. Shared by the server that stores the
 * upload and the worker (on any machine) that processes it from the queue.
 */
export function uploadedFileName(relativePath: string): string {
  return `${createHash('sha256').update(relativePath, 'utf8').digest('hex').slice(0, 40)}.pdf`;
}

/**
 * Is this session one the HTTP API's uploads made (its folder is the upload directory's folder named by
 * the session's id), so that its files are kept under `uploadedFileName`? Folder ingests' sessions are
 * named by a fresh id after their folder was chosen: their folder never bears it.
 */
export function isUploadSession(session: { id: string; sourceDir: string }): boolean {
  return path.basename(session.sourceDir) === session.id;
}
