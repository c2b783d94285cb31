import { Box } from 'ink';
import type { ReviewWalkState } from '../../app/review-walk.js';
import type { Messages } from '../i18n/messages.js';
import { useMessages } from '../i18n/messages-context.js';
import { LineView } from '../line-view.js';
import { layoutReview, type ReviewLayout } from './review-layout.js';
import { initialReviewView, type ReviewView } from './review-view.js';

export interface ReviewScreenProps {
  state: ReviewWalkState;
  view?: ReviewView;
  /** Columns to use. */
  width: number;
  /** The terminal's rows: the frame is one row shorter. */
  rows?: number;
  reviewer?: string;
  /** Default: the messages of the surrounding MessagesContext. */
  messages?: Messages;
}

/** The review of one held file, pinned header and key hints around a scrolling body (see layoutReview). */
export function ReviewScreen({ state, view, width, rows = 24, reviewer, messages }: ReviewScreenProps) {
  const contextMessages = useMessages();
  const layout = layoutReview({
    state,
    view: view ?? initialReviewView(),
    width,
    rows,
    messages: messages ?? contextMessages,
    reviewer,
  });
  return <ReviewFrame layout={layout} width={width} />;
}

/** Exactly the layout's rows: header, body, footer. */
export function ReviewFrame({ layout, width }: { layout: ReviewLayout; width: number }) {
  const lines = [...layout.header, ...layout.body, ...layout.footer];
  return (
    <Box flexDirection="column" width={width} height={lines.length}>
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}
