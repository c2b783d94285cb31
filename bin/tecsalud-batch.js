#!/usr/bin/env node
// A shim: all logic lives in the compiled entry so that `--help` loads as little as possible. The keys typed on
// a terminal are held before it loads (see holdKeysAtStart): imported after, not with it.
import { holdKeysAtStart } from '../dist/ui/terminal/hold-keys-at-start.js';

holdKeysAtStart(process.argv);
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv);
