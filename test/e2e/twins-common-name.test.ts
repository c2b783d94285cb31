import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedRegistry, matchDecisions, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * Twins under neighbouring expedientes, JUAN PABLO and JUAN CARLOS, with a name so common that every
 * blocking key of a bare JUAN HERNANDEZ GARCIA is shared by more patients than the repository reads (200):
 * only the expediente brings the twin. A file naming just JUAN under one twin's expediente fits both, and a
 * slipped digit would file it with the other; it was attached to JUAN PABLO unseen.
 */
const SECOND_NAMES = ['ALBERTO', 'ANDRES', 'ARTURO', 'CESAR', 'DANIEL', 'DAVID', 'EDUARDO', 'ENRIQUE'];
const THIRD_NAMES = [
  ...['FELIPE', 'GABRIEL', 'GERARDO', 'HECTOR', 'HUGO', 'IGNACIO', 'JAVIER', 'JORGE', 'LUIS', 'MANUEL'],
  ...['MARIO', 'MARTIN', 'MIGUEL', 'OSCAR', 'RAFAEL', 'RAMON', 'RAUL', 'RICARDO', 'RODRIGO', 'SALVADOR'],
  ...['SERGIO', 'TOMAS', 'VICTOR', 'ADRIAN', 'BENITO', 'CARLOS', 'PABLO'],
];
const NAMESAKES = SECOND_NAMES.flatMap((second) => THIRD_NAMES.map((third) => `JUAN ${second} ${third}`));

const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  ...NAMESAKES.map((nombres, i) => `${4200000000 + 37 * i},HERNANDEZ,GARCIA,${nombres},1970-01-01,M`),
  '4300000501,HERNANDEZ,GARCIA,JUAN PABLO,1990-05-05,M',
  '4300000502,HERNANDEZ,GARCIA,JUAN CARLOS,1990-05-05,M',
];

interface MatchJson {
  filename: string;
  decision: string;
  reason: string;
  patient: { expediente: string } | null;
}

describe('twins one digit apart under a very common name', { tags: ['slow'] }, () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    expect(NAMESAKES.length).toBeGreaterThan(200);
    workspace = await importedRegistry('tecsalud-twins-common-name-', REGISTRY);
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match --json holds a name that fits both twins, and attaches each twin by full name', async () => {
    const results = await matchDecisions<MatchJson>(workspace, [
      '4300000501_HERNANDEZ GARCIA, JUAN_CONS.pdf',
      '4300000502_HERNANDEZ GARCIA, JUAN_LAB.pdf',
      '4300000501_HERNANDEZ GARCIA, JUAN PABLO_CONS.pdf',
      '4300000502_HERNANDEZ GARCIA, JUAN CARLOS_LAB.pdf',
    ]);
    expect(results.map((r) => [r.decision, r.reason, r.patient?.expediente])).toEqual([
      ['review', 'id_match_name_fits_neighbour', '4300000501'],
      ['review', 'id_match_name_fits_neighbour', '4300000502'],
      ['auto', 'exact_id_and_name', '4300000501'],
      ['auto', 'exact_id_and_name', '4300000502'],
    ]);
  });
});
