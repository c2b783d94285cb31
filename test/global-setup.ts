import { fileURLToPath } from 'node:url';
import { buildWhenStale } from './support/build-cli.js';

/** Tests that spawn bin/tecsalud-batch.js run dist/: bring it up to date with src/ once, before any test. */
export default function setup(): void {
  buildWhenStale(fileURLToPath(new URL('..', import.meta.url)));
}
