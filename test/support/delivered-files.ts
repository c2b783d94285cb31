import fs from 'node:fs';

/** How long before the run the files a test puts in a drop folder were delivered. */
const AN_HOUR_MS = 3_600_000;

/**
 * Copies `from` (a file or a folder) to `to` as files an export delivered before the run: dated an hour back.
 * Copied just now, they would be files a copy created moments ago, which a run watches 2 s before judging
 * them (the sample's empty PDF could still be getting its first bytes, a truncated one its last): 2 s of
 * every run over them, for a case the tests of still_being_written cover on purpose.
 */
export function copyDelivered(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  dateBack(to);
}

/** Dates a file, or every file under a folder, an hour back. */
export function dateBack(target: string): void {
  const then = new Date(Date.now() - AN_HOUR_MS);
  const paths = fs.statSync(target).isDirectory()
    ? fs
        .readdirSync(target, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `${entry.parentPath}/${entry.name}`)
    : [target];
  for (const file of paths) fs.utimesSync(file, then, then);
}
