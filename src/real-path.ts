import fs from 'node:fs';
import path from 'node:path';

export interface RealPathParts {
  /** `target`, or its nearest ancestor that can be resolved (exists, and may be looked into), as written. */
  existing: string;
  /** `existing` with every link on its way resolved. */
  realExisting: string;
  /** `realExisting` followed by the rest of `target` as written: where `target` is, or will be once created. */
  real: string;
}

/**
 * Where a path that may not exist yet really is: the links on its way resolved as far as it exists, the
 * rest appended as written. Comparing folders by it tells a folder from the same folder under another name
 * (a link to it, or a path through a link) before either is created. An ancestor that cannot be resolved
 * (missing, a dangling link, unreadable) counts as not existing; at worst `target` comes back as written.
 */
export function realPathAsFarAsItExists(target: string): RealPathParts {
  let existing = target;
  for (;;) {
    try {
      const realExisting = fs.realpathSync(existing);
      return { existing, realExisting, real: path.join(realExisting, path.relative(existing, target)) };
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return { existing: target, realExisting: target, real: target };
      existing = parent;
    }
  }
}

/**
 * `target` as it is spelled on disk, when it is missing only because its accents are written another way: a
 * folder made on a Mac or over SMB from one (`carpeta´`, NFD: a letter and a combining mark) named by a person
 * or a cron line typed here (`carpetá`, NFC), or the other way round. Linux compares names byte for byte, so
 * the two are different names to it and "does not exist" would be all a user heard of a folder `ls` shows.
 * A component is replaced only by the one entry of its folder that is the same text once normalized; else
 * (several, or none) `target` comes back as written.
 */
export function onDiskSpelling(target: string): string {
  if (fs.existsSync(target)) return target;
  const absolute = path.resolve(target);
  const { root } = path.parse(absolute);
  let found = root;
  for (const part of absolute.slice(root.length).split(path.sep).filter(Boolean)) {
    const exact = path.join(found, part);
    if (fs.existsSync(exact)) {
      found = exact;
      continue;
    }
    let entries: string[];
    try {
      entries = fs.readdirSync(found);
    } catch {
      return target;
    }
    const alike = entries.filter((entry) => entry.normalize('NFC') === part.normalize('NFC'));
    if (alike.length !== 1) return target;
    found = path.join(found, alike[0]!);
  }
  return found;
}
