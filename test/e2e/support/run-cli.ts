// Runs the CLI from source (through tsx), exactly as bin/tecsalud-batch.js runs the built entry.
import { main } from '../../../src/main.js';

process.exitCode = await main(process.argv);
