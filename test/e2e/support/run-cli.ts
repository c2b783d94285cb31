// Runs the CLI from source (through tsx), exactly as bin/tecsalud-batch.js runs the built entry.
import { ignoreHangupUntilLogOpens } from '../../../src/ui/terminal/hangup-at-start.js';
import { holdKeysAtStart } from '../../../src/ui/terminal/hold-keys-at-start.js';

ignoreHangupUntilLogOpens(process.argv);
holdKeysAtStart(process.argv);
const { main } = await import('../../../src/main.js');
process.exitCode = await main(process.argv);
