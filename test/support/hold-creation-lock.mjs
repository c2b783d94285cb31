// Another process holding the patient-creation lock of a SQLite registry (test/db/patient-creation-lock.test.ts):
// takes it, prints "held", and lets it go when a line arrives on stdin (or never, if it is killed first).
import process from 'node:process';
import { createInterface } from 'node:readline';
import { resolveDatabaseTarget } from '../../dist/db/database-url.js';
import { openDatabase } from '../../dist/db/open-database.js';
import { withPatientCreationLock } from '../../dist/db/patient-creation-lock.js';

const database = await openDatabase(resolveDatabaseTarget(process.argv[2], { cwd: process.cwd() }));
const lines = createInterface({ input: process.stdin });
const released = new Promise((resolve) => lines.once('line', resolve));
await withPatientCreationLock(database, async () => {
  process.stdout.write('held\n');
  await released;
});
process.stdout.write('released\n');
lines.close();
await database.close();
