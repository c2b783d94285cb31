// Run by `npm install` (the `prepare` script) in a checkout: links the command into node_modules/.bin, where
// `npx tecsalud-batch` looks first. Without the link, npx installs the checkout into its own cache and
// builds it again there: the README's first `npx` call took 11-21 s and every later one ~1.8 s (issue 19).
// A failure here only costs that speed, never the install.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'node_modules', '.bin');
const link = path.join(bin, 'tecsalud-batch');
const target = path.relative(bin, path.join(root, 'bin', 'tecsalud-batch.js'));
try {
  if (fs.existsSync(path.join(root, 'node_modules'))) {
    fs.mkdirSync(bin, { recursive: true });
    let current = null;
    try {
      current = fs.readlinkSync(link);
    } catch {
      // absent (or not a link): made below
    }
    if (current !== target) {
      fs.rmSync(link, { force: true });
      fs.symlinkSync(target, link);
    }
  }
} catch (error) {
  console.warn(
    `note: could not link node_modules/.bin/tecsalud-batch (${error.message}); npx will be slower`,
  );
}
