import { Box, Text } from 'ink';
import type { ScoredCandidate } from '../../core/matching/types.js';
import { formatPatientName } from '../../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { truncateEnd, truncateMiddle } from '../format.js';
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
        const name = sanitizeForTerminal(formatPatientName(p));
        const holdsId = expediente !== null && p.expediente === expediente;
        const marker = holdsId ? (idConflict ? '  ◆ ID CONFLICT' : '  ◆ same expediente') : '';
        const head = `${String(i + 1).padStart(2)}  ${sanitizeForTerminal(p.expediente)}  `;
        const confidence = `  ${s.combined.toFixed(2)}`;
        const nameWidth = Math.min(36, Math.max(10, width - head.length - confidence.length - marker.length));
        // Reasons are evidence, but two lines of them at most keep the screen within 24 rows.
        const reasons = truncateEnd(sanitizeForTerminal(candidate.reasons.join('; ')), 2 * (width - 4) - 16);
        return (
          <Box key={p.id} flexDirection="column">
            <Text>
              <Text bold>{head}</Text>
              {truncateMiddle(name, nameWidth).padEnd(nameWidth)}
              <Text bold>{confidence}</Text>
              <Text
                bold
                inverse={holdsId && idConflict}
                color={theme.color(idConflict ? 'danger' : 'warning')}
              >
                {marker}
              </Text>
            </Text>
            <Box paddingLeft={4} flexDirection="column">
              <Text color={theme.color('muted')} wrap="wrap">
                {`id ${s.idMatch.toFixed(0)}  near ${s.nearId.toFixed(0)}  lev ${s.levenshtein.toFixed(2)}  ` +
                  `jw ${s.jaroWinkler.toFixed(2)}  tok ${s.token.toFixed(2)}  wrd ${s.wordIntersection.toFixed(2)}  ` +
                  `name ${s.nameSimilarity.toFixed(2)}  freq ${s.frequencyWeight.toFixed(2)}`}
              </Text>
              {reasons && <Text wrap="wrap">{reasons}</Text>}
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
