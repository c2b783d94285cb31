// Loaded with `node --import`: registers a resolve hook that prints every file module the process loads
// to stderr, one `loaded <url>` line each (see the --help test in test/e2e/cli.test.ts).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) process.stderr.write('loaded ' + result.url + '\\n');
  return result;
}`),
);
