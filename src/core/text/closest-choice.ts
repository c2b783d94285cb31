import { distance } from 'fastest-levenshtein';

/**
 * The allowed value a mistyped one most likely meant, for a "did you mean" hint; null when none is close.
 * A different case alone always counts (`Chroma` → `chroma`); otherwise at most a third of the letters may
 * differ (at least one), so that `colection` finds `collection` but `pinecone` finds nothing.
 */
export function closestChoice(value: string, choices: readonly string[]): string | null {
  const wanted = value.toLowerCase();
  const sameLetters = choices.find((choice) => choice.toLowerCase() === wanted);
  if (sameLetters !== undefined) return sameLetters;
  let best: { choice: string; edits: number } | null = null;
  // A value written from a choice is near it, and wins a tie: `tesseract-ocr` (Debian's package) meant `tesseract`.
  const writtenFrom = (choice: string) => wanted.startsWith(choice.toLowerCase());
  for (const choice of choices) {
    const edits = distance(wanted, choice.toLowerCase());
    if (
      (edits <= Math.max(1, Math.floor(choice.length / 3)) || writtenFrom(choice)) &&
      (best === null ||
        edits < best.edits ||
        (edits === best.edits && writtenFrom(choice) && !writtenFrom(best.choice)))
    )
      best = { choice, edits };
  }
  return best?.choice ?? null;
}
