/**
 * Engines report font and stream repairs ("Warning: TT: ...") on the console, and tinypool pipes a child's
 * stdout and stderr into the parent's: a batch of thousands of files would bury the progress output (or
 * corrupt --json on stdout) under them. The result already says everything that matters. Call it in an
 * extraction child before loading an engine (emscripten binds console.error when its module starts).
 */
export function silenceConsole(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => {};
}
