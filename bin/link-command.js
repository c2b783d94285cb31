// Run by `npm install` (the `prepare` script) in a checkout: links the command into node_modules/.bin, which
// the README puts on the PATH, so that `tecsalud-batch` starts straight from the checkout. Not `npx`: in npm 11
// it installs the checkout's own package into its cache and builds it again there before the first call
// (11-21 s), and reads that copy's tree on every later one (~1.8 s; issue 19). A failure here only costs the
// link, never the install.
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
    `note: could not link node_modules/.bin/tecsalud-batch (${error.message}); run bin/tecsalud-batch.js instead`,
  );
}
