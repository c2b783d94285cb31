import type { MessageClient } from './already-ingested.js';

/** The HTTP API's sessions, under which its review routes are named (the server's API_PREFIX). */
export const API_SESSIONS_PATH = '/api/v1/documents/batch';

/*
 * The advice that ends a file's message is its reader's to follow. At the command line it names the command;
 * a program calling the HTTP API cannot run one: it is given the route to call, or, where the API has none
 * (moving a document, reopening a rejection), what to ask the records team, their command kept beside it so
 * that the request can be passed on as it is.
 */

/** A document filed under one patient whose copy names another: moving it is the records team's. */
export function moveDocumentAdvice(documentId: string, expediente: string, client: MessageClient): string {
  const command = `\`tecsalud-batch documents move ${documentId} --to ${expediente}\``;
  return client === 'api'
    ? `if it is theirs, ask the records team to move document ${documentId} to expediente ${expediente} (${command})`
    : `if it is theirs, ${command}`;
}

/** A review holding content another file names another patient for: whoever settles it should know both names. */
export function settleReviewKnowingBothAdvice(
  review: { sessionId: string; fileId: string },
  client: MessageClient,
  /** 'file': a file of the same session waiting for review. */
  what: 'review' | 'file' = 'review',
): string {
  return client === 'api'
    ? `have an admin settle that ${what} knowing both names (POST ${reviewDecisionRoute(review)})`
    : 'settle that review knowing both names (`tecsalud-batch review`)';
}

/** A file of the session taken back to review because its copy names another patient. */
export function settleTakenBackAdvice(
  holder: string,
  review: { sessionId: string; fileId: string },
  client: MessageClient,
): string {
  return client === 'api'
    ? `have an admin settle '${holder}' knowing both names (POST ${reviewDecisionRoute(review)})`
    : `settle '${holder}' in \`tecsalud-batch review ${review.sessionId.slice(0, 8)}\` knowing both names`;
}

/** What is left to do with a copy of content filed under another expediente, once the document is checked. */
export function otherPatientsCopyEnd(client: MessageClient): string {
  // The API's upload folder is the server's, emptied by the session's cleanup: the client has nothing to remove.
  return client === 'api' ? 'there is no need to upload this file again' : 'then remove this file';
}

/** Content already waiting for review elsewhere: how that review is settled. */
export function settleWaitingReviewAdvice(
  review: { sessionId: string; fileId: string },
  client: MessageClient,
): string {
  return client === 'api'
    ? `have an admin settle it: POST ${reviewDecisionRoute(review)}`
    : `settle it with \`tecsalud-batch review ${review.sessionId.slice(0, 8)}\``;
}

/** Content a reviewer rejected: set aside until the records team reopens it (the API has no route for that). */
export function reopenRejectedAdvice(contentId: string, client: MessageClient): string {
  const command = `\`tecsalud-batch review --reopen ${contentId}\``;
  return client === 'api'
    ? `ask the records team to reopen it for review (${command})`
    : `${command} to review it again`;
}

/**
 * A copy naming another patient than its twin of the session, whose content a reviewer rejected: nothing waits for
 * review, so there is nothing to settle; the content is taken up again only if it is reopened.
 */
export function setAsideCopyAdvice(contentId: string, client: MessageClient): string {
  const command = `\`tecsalud-batch review --reopen ${contentId}\``;
  const setAside = 'nothing waits for review: a reviewer rejected this content, so it is set aside';
  return client === 'api'
    ? `${setAside}; if it is a patient's after all, ask the records team to reopen it for review (${command}), telling them both names`
    : `${setAside}; if it is a patient's after all, ${command} and settle it knowing both names`;
}

/**
 * A review whose kept text is gone cannot be decided: the file must be read again. An API client cannot run an
 * ingest, and uploading the file again is no way round it: the new upload finds its content waiting in this very
 * review and points back here.
 */
export function textGoneAdvice(client: MessageClient): string {
  return client === 'api'
    ? 'the extracted text of this file is gone, so it cannot be decided here: ask the records team to process it again ' +
        '(re-run `tecsalud-batch ingest` on its folder); uploading it again would only point back to this review'
    : 'the extracted text of this file is gone: re-run ingest on its folder to process it again';
}

/**
 * A file a stop cut short — in its OCR, or while its text was read — stays pending: who finishes it. At the command
 * line, the same command run again; an API session resumes by itself (the server's next start, another worker).
 */
export function interruptedFileMessage(during: 'ocr' | 'text', client: MessageClient): string {
  if (client === 'api') {
    const when = during === 'ocr' ? 'during its OCR' : 'while its text was read';
    return `stopped ${when} by a stop of the server processing it; it is read again when the session resumes`;
  }
  return during === 'ocr'
    ? 'stopped by the interrupt during its OCR; run the same command again to finish it'
    : 'stopped by the interrupt while its text was read; run the same command again to finish it';
}

function reviewDecisionRoute(review: { sessionId: string; fileId: string }): string {
  return `${API_SESSIONS_PATH}/${review.sessionId}/review/${review.fileId}/decision`;
}
