#!/usr/bin/env node
// A shim: all logic lives in the compiled entry so that `--help` loads as little as possible. The keys typed on
// a terminal are held, and a logrotate's SIGHUP taken, before it loads (see holdKeysAtStart,
// ignoreHangupUntilLogOpens): imported after, not with it.
import { ignoreHangupUntilLogOpens } from '../dist/ui/terminal/hangup-at-start.js';
import { holdKeysAtStart } from '../dist/ui/terminal/hold-keys-at-start.js';

ignoreHangupUntilLogOpens(process.argv);
holdKeysAtStart(process.argv);
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv);
