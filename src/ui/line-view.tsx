import { Text } from 'ink';
import type { Line } from './lines.js';
import { useTheme } from './theme.js';

/** One row of a full-screen layout; Ink truncates it again, so that a row can never wrap into two. */
export function LineView({ line }: { line: Line }) {
  const theme = useTheme();
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate">
      {line.map((segment, i) => (
        <Text
          key={i}
          color={segment.tone ? theme.color(segment.tone) : undefined}
          bold={segment.bold}
          inverse={segment.inverse}
          underline={segment.underline}
        >
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
