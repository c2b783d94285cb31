import { Box, Text } from 'ink';
import { formatPatientName } from '../../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import type { ContentCheckDetails } from '../../core/content/types.js';
import type { ReviewCase, ReviewWalkState } from '../../app/review-walk.js';
import { truncateMiddle } from '../format.js';
import { REVIEW_KEY_HINT, REVIEW_KEYS } from '../key-bindings.js';
import { useTheme } from '../theme.js';
import { CandidateList } from './candidate-list.js';

export interface ReviewScreenProps {
  state: ReviewWalkState;
  width: number;
  /** Terminal rows: the text preview takes what the rest leaves (default 24). */
  rows?: number;
  reviewer?: string;
}

/** The review of one held file: what the filename says, who it might be, and what the text says. */
export function ReviewScreen({ state, width, rows = 24, reviewer }: ReviewScreenProps) {
  const theme = useTheme();
  const cols = Math.max(40, width);
  const header =
    state.phase === 'done' || state.phase === 'closed'
      ? 'Review finished'
      : `Review ${Math.min(state.position + 1, state.total)} of ${state.total}`;
  return (
    <Box flexDirection="column" width={cols}>
      <Text bold color={theme.color('accent')}>
        {truncateMiddle(
          `${header}${reviewer ? ` · reviewer ${sanitizeForTerminal(reviewer)}` : ''}  (? help)`,
          cols,
        )}
      </Text>
      {state.showHelp && <HelpPanel />}
      {state.phase === 'done' || state.phase === 'closed' ? (
        <DoneSummary state={state} />
      ) : state.current ? (
        <CaseView reviewCase={state.current} width={cols} previewLines={previewBudget(state.current, rows)} />
      ) : (
        <Text color={theme.color('muted')}>{state.phase === 'loading' ? 'Loading…' : ''}</Text>
      )}
      <Box flexDirection="column">
        <Text color={theme.color('muted')}>
          {state.phase === 'closed'
            ? 'Decisions saved.'
            : state.phase === 'done'
              ? `${state.canUndo ? 'u undo · ' : ''}q quit`
              : REVIEW_KEY_HINT}
        </Text>
        {state.phase === 'working' && <Text color={theme.color('muted')}>Working…</Text>}
        {state.message && (
          <Text
            wrap="wrap"
            color={theme.color(
              state.message.tone === 'error'
                ? 'danger'
                : state.message.tone === 'success'
                  ? 'success'
                  : 'accent',
            )}
          >
            {`${state.message.tone === 'error' ? '✗' : state.message.tone === 'success' ? '✓' : '•'} ${sanitizeForTerminal(state.message.text)}`}
          </Text>
        )}
      </Box>
    </Box>
  );
}

function CaseView({
  reviewCase,
  width,
  previewLines,
}: {
  reviewCase: ReviewCase;
  width: number;
  previewLines: number;
}) {
  const theme = useTheme();
  const p = reviewCase.parsed;
  const owner = reviewCase.expedienteOwner;
  return (
    <Box flexDirection="column">
      <Text bold>{truncateMiddle(sanitizeForTerminal(reviewCase.relativePath), width)}</Text>
      {p ? (
        <Text wrap="wrap">
          {sanitizeForTerminal(
            `expediente ${p.expediente} · ${p.nombreCompleto} · ${p.documentType} (${p.documentTypeCode}) · ` +
              `numero ${p.numero ?? '—'}`,
          )}
        </Text>
      ) : (
        <Text color={theme.color('danger')} wrap="wrap">
          {`The filename does not parse: ${sanitizeForTerminal(reviewCase.parseError ?? '')}`}
        </Text>
      )}
      <Text color={theme.color('muted')} wrap="wrap">
        {`held: ${reviewCase.heldReason ?? 'unknown'}` +
          (reviewCase.heldConfidence !== null ? ` ${reviewCase.heldConfidence.toFixed(2)}` : '') +
          (reviewCase.decision && reviewCase.decision.reason !== reviewCase.heldReason
            ? ` · now: ${reviewCase.decision.reason}`
            : '') +
          (reviewCase.pages !== null
            ? ` · ${reviewCase.pages} page${reviewCase.pages === 1 ? '' : 's'}`
            : '')}
      </Text>
      {reviewCase.idConflict && owner && p && (
        <Text bold inverse color={theme.color('danger')} wrap="wrap">
          {sanitizeForTerminal(
            `!! ID CONFLICT: expediente ${owner.expediente} belongs to ${formatPatientName(owner)}, not to ` +
              `${p.nombreCompleto}; a new patient with it is impossible`,
          )}
        </Text>
      )}
      {reviewCase.content && reviewCase.content.verdict !== 'absent' && (
        <Text
          color={theme.color(reviewCase.content.verdict === 'contradicts' ? 'danger' : 'muted')}
          wrap="wrap"
        >
          {sanitizeForTerminal(describeContent(reviewCase.content))}
        </Text>
      )}
      <Box flexDirection="column">
        <Text bold underline>
          Candidates
        </Text>
        <CandidateList
          candidates={reviewCase.candidates}
          expediente={p?.expediente ?? null}
          idConflict={reviewCase.idConflict}
          width={width}
        />
      </Box>
      <Box flexDirection="column">
        <Text bold underline>
          Document text (first lines)
        </Text>
        {reviewCase.textMissing ? (
          <Text color={theme.color('danger')}>
            The extracted text is missing: re-run ingest to process it again.
          </Text>
        ) : (
          reviewCase.preview.slice(0, previewLines).map((line, i) => (
            <Text key={i} color={theme.color('muted')}>
              {truncateMiddle(`  │ ${line}`, width)}
            </Text>
          ))
        )}
      </Box>
    </Box>
  );
}

function HelpPanel() {
  return (
    <Box borderStyle="single" paddingX={1} flexDirection="column">
      {REVIEW_KEYS.map((k) => (
        <Text key={k.keys}>{`${k.keys.padEnd(4)} ${k.description}`}</Text>
      ))}
    </Box>
  );
}

function DoneSummary({ state }: { state: ReviewWalkState }) {
  const t = state.tally;
  return (
    <Box flexDirection="column">
      <Text>
        {`${state.total} file${state.total === 1 ? '' : 's'} walked: ${t.attached} attached, ${t.created} new ` +
          `patient${t.created === 1 ? '' : 's'}, ${t.rejected} rejected, ${t.skipped} skipped.`}
      </Text>
      {t.skipped > 0 && (
        <Text>Skipped files stay pending: run `tecsalud-batch review` again to settle them.</Text>
      )}
    </Box>
  );
}

/** One line: what the document's own text states of its patient, beside the candidates (issue 15). */
function describeContent(content: ContentCheckDetails): string {
  const id = content.identity;
  const stated = [
    id.nombre_escrito,
    id.expediente && `exp. ${id.expediente}`,
    id.fecha_nacimiento && `nac. ${id.fecha_nacimiento}`,
    id.sexo,
  ].filter(Boolean);
  const other = content.content_patient;
  const named = other && other.expediente !== id.expediente ? ` → registry ${other.expediente}` : '';
  return `document says (${content.verdict}): ${stated.join(' · ')}${named}`;
}

/** Lines of text that fit under the rest of the screen: between 2 and 8. */
export function previewBudget(reviewCase: ReviewCase, rows: number): number {
  // The document's identity: up to two lines at 60 columns.
  const stated = reviewCase.content && reviewCase.content.verdict !== 'absent' ? 2 : 0;
  const fixed = 11 + (reviewCase.idConflict ? 2 : 0) + stated;
  const candidates = reviewCase.candidates.reduce(
    (n, c) => n + 2 + (c.reasons.join('; ').length > 70 ? 2 : 1),
    0,
  );
  return Math.max(2, Math.min(8, rows - fixed - candidates));
}
