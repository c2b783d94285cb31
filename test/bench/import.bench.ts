/**
 * `npm run bench:import [-- --rows N]`: writes a registry CSV of N synthetic patients (default 1,000,000,
 * realistic Mexican name frequencies), imports it into a fresh SQLite file, re-imports it (idempotent:
 * every row unchanged), and prints the figures. Not a test: it asserts nothing and prints numbers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createNameSampler } from '../../fixtures/generator/index.js';
import { importRegistry as importPatients } from '../../src/app/import-registry.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const batchSize = values.batch === undefined ? undefined : Number(values.batch);
const rows = Number(values.rows);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-import-'));
const csv = path.join(dir, 'registry.csv');
const db = path.join(dir, 'registry.db');

const sampler = createNameSampler(20261129);
const generateStart = performance.now();
const out = fs.createWriteStream(csv);
out.write('expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n');
for (let i = 0; i < rows; i++) {
  const p = sampler.patient();
  const line = `${3000000000 + i},${p.apellidoPaterno},${p.apellidoMaterno},${p.nombres},${p.fechaNacimiento},${p.sexo}\n`;
  if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
await new Promise<void>((resolve) => out.end(resolve));
const generateSeconds = (performance.now() - generateStart) / 1000;

// CPU time next to wall time: the shared machine is often busy, and CPU seconds say what the import costs.
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const loadBefore = os.loadavg()[0]!;
let cpu = process.cpuUsage();
const first = await importPatients({ file: csv, db, cwd: dir, ...(batchSize ? { batchSize } : {}) });
const firstCpu = cpuSeconds(cpu);
cpu = process.cpuUsage();
const second = await importPatients({ file: csv, db, cwd: dir, ...(batchSize ? { batchSize } : {}) });
const secondCpu = cpuSeconds(cpu);
const rssMb = process.resourceUsage().maxRSS / 1024;

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `rows: ${fmt(rows)} (CSV ${fmt(fs.statSync(csv).size / 2 ** 20)} MB, generated in ${fmt(generateSeconds)} s)`,
);
console.log(
  `first import:  ${fmt(first.seconds)} s wall, ${fmt(firstCpu)} s CPU  (${fmt(rows / first.seconds)} rows/s)  inserted ${fmt(first.inserted)}, rejected ${fmt(first.rejected)}`,
);
console.log(
  `re-import:     ${fmt(second.seconds)} s wall, ${fmt(secondCpu)} s CPU  (${fmt(rows / second.seconds)} rows/s)  unchanged ${fmt(second.unchanged)}, inserted ${fmt(second.inserted)}`,
);
console.log(`load average (1 min): ${fmt(loadBefore)} before, ${fmt(os.loadavg()[0]!)} after`);
console.log(`database: ${fmt(fs.statSync(db).size / 2 ** 20)} MB · peak RSS ${fmt(rssMb)} MB`);
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`kept: ${dir}`);
