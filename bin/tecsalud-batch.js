#!/usr/bin/env node
// A shim: all logic lives in the compiled entry so that `--help` loads as little as possible.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
