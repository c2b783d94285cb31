import { Box, Text } from 'ink';
import type { ScoredCandidate } from '../../core/matching/types.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { truncateMiddle } from '../format.js';
import { useTheme } from '../theme.js';

export interface CandidateListProps {
  candidates: readonly ScoredCandidate[];
  /** The filename's expediente: the candidate holding it is marked. */
  expediente: string | null;
  idConflict: boolean;
  width: number;
}

/** Candidates with their confidence, every per-signal score, and the matcher's reasons. */
export function CandidateList({ candidates, expediente, idConflict, width }: CandidateListProps) {
  const theme = useTheme();
  if (candidates.length === 0) {
    return (
      <Text color={theme.color('muted')}>
        No candidate patients in the registry: n creates one, r rejects.
      </Text>
    );
  }
  return (
    <Box flexDirection="column">
      {candidates.slice(0, 9).map((candidate, i) => {
        const p = candidate.patient;
        const s = candidate.scores;
        const name = sanitizeForTerminal(
          `${p.apellidoPaterno}${p.apellidoMaterno ? ` ${p.apellidoMaterno}` : ''}, ${p.nombres}`,
        );
        const holdsId = expediente !== null && p.expediente === expediente;
        const marker = holdsId
          ? idConflict
            ? '  ◆ SAME EXPEDIENTE, DIFFERENT NAME'
            : '  ◆ same expediente'
          : '';
        const head = `${String(i + 1).padStart(2)}  ${sanitizeForTerminal(p.expediente)}  `;
        const confidence = `  ${s.combined.toFixed(2)}`;
        const nameWidth = Math.max(10, width - head.length - confidence.length - marker.length);
        return (
          <Box key={p.id} flexDirection="column">
            <Text>
              <Text bold>{head}</Text>
              {truncateMiddle(name, nameWidth).padEnd(Math.min(nameWidth, 36))}
              <Text bold>{confidence}</Text>
              <Text bold color={theme.color(idConflict ? 'danger' : 'warning')}>
                {marker}
              </Text>
            </Text>
            <Text color={theme.color('muted')}>
              {truncateMiddle(
                `    id ${s.idMatch.toFixed(0)} · near-id ${s.nearId.toFixed(0)} · lev ${s.levenshtein.toFixed(2)} · ` +
                  `jw ${s.jaroWinkler.toFixed(2)} · token ${s.token.toFixed(2)} · words ${s.wordIntersection.toFixed(2)} · ` +
                  `name ${s.nameSimilarity.toFixed(2)} · freq ${s.frequencyWeight.toFixed(2)}`,
                width,
              )}
            </Text>
            {candidate.reasons.length > 0 && (
              <Text wrap="wrap">{`    ${sanitizeForTerminal(candidate.reasons.join('; '))}`}</Text>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
