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
