import { describe, expect, it } from 'vitest';
import {
  COMPOUND_SURNAMES,
  SURNAME_PARTICLES,
  splitSurnames,
} from '../../../src/core/filename/split-surnames.js';

const CASES: [apellidos: string, paterno: string, materno: string][] = [
  ['GARZA TIJERINA', 'GARZA', 'TIJERINA'],
  ['GARZA', 'GARZA', ''],
  ['DE LA GARZA TREVIÑO', 'DE LA GARZA', 'TREVIÑO'],
  ['DEL RIO LOPEZ', 'DEL RIO', 'LOPEZ'],
  ['DE LOS SANTOS', 'DE LOS SANTOS', ''],
  ['DE LOS SANTOS MARTINEZ', 'DE LOS SANTOS', 'MARTINEZ'],
  ['MARTINEZ DE LOS SANTOS', 'MARTINEZ', 'DE LOS SANTOS'],
  ['DE LA GARZA DE LA FUENTE', 'DE LA GARZA', 'DE LA FUENTE'],
  ['DE LAS CASAS RUIZ', 'DE LAS CASAS', 'RUIZ'],
  ['DE LEON HERRERA', 'DE LEON', 'HERRERA'],
  ['LA ROSA PEÑA', 'LA ROSA', 'PEÑA'],
  ['LOS ARCOS VILLA', 'LOS ARCOS', 'VILLA'],
  ['SAN MARTIN LOPEZ', 'SAN MARTIN', 'LOPEZ'],
  ['LOPEZ SAN MARTIN', 'LOPEZ', 'SAN MARTIN'],
  ['SANTA ANNA REYES', 'SANTA ANNA', 'REYES'],
  ['SANTA CRUZ', 'SANTA CRUZ', ''],
  ['SANTANA LUNA', 'SANTANA', 'LUNA'],
  ['SANTOS LUNA', 'SANTOS', 'LUNA'],
  ['PONCE DE LEON GARCIA', 'PONCE DE LEON', 'GARCIA'],
  ['PONCE DE LEÓN GARCÍA', 'PONCE DE LEÓN', 'GARCÍA'],
  ['GARCIA PONCE DE LEON', 'GARCIA', 'PONCE DE LEON'],
  ['PONCE DE LEON', 'PONCE DE LEON', ''],
  ['MONTES DE OCA RUIZ', 'MONTES DE OCA', 'RUIZ'],
  ['DIAZ DE LEON MORALES', 'DIAZ DE LEON', 'MORALES'],
  ['DÍAZ DE LEÓN MORALES', 'DÍAZ DE LEÓN', 'MORALES'],
  ['LOPEZ DE SANTA ANNA PEREZ', 'LOPEZ DE SANTA ANNA', 'PEREZ'],
  ['RUIZ DE VELASCO TREJO', 'RUIZ DE VELASCO', 'TREJO'],
  ['ORTEGA Y GASSET', 'ORTEGA', 'GASSET'],
  ['LOPEZ PORTILLO Y PACHECO', 'LOPEZ PORTILLO', 'PACHECO'],
  ['DE LA GARZA Y TREVIÑO', 'DE LA GARZA', 'TREVIÑO'],
  ['GARZA Y', 'GARZA', 'Y'],
  ['GARZA TIJERINA LOPEZ', 'GARZA', 'TIJERINA LOPEZ'],
  ['GARZA TIJERINA DE LOPEZ', 'GARZA', 'TIJERINA DE LOPEZ'],
  ['GARZA VDA DE LOPEZ', 'GARZA', 'VDA DE LOPEZ'],
  ['VAN DER BERG SOTO', 'VAN DER BERG', 'SOTO'],
  ['VON BERTRAB SADA', 'VON BERTRAB', 'SADA'],
  ['MC GREGOR LUNA', 'MC GREGOR', 'LUNA'],
  ['MAC GREGOR LUNA', 'MAC GREGOR', 'LUNA'],
  ['DI COSTANZO RIVA', 'DI COSTANZO', 'RIVA'],
  ['DA SILVA PONCE', 'DA SILVA', 'PONCE'],
  ['DOS SANTOS LIMA', 'DOS SANTOS', 'LIMA'],
  ['LE BLANC ROCHA', 'LE BLANC', 'ROCHA'],
  ["O'FARRILL GARCIA-LOPEZ", "O'FARRILL", 'GARCIA-LOPEZ'],
  ['GARCIA-LOPEZ MARTINEZ', 'GARCIA-LOPEZ', 'MARTINEZ'],
  ['NUÑEZ MUÑOZ', 'NUÑEZ', 'MUÑOZ'],
  ['DE LA', 'DE LA', ''],
  ['DE', 'DE', ''],
  ['GARZA DE', 'GARZA', 'DE'],
  ['', '', ''],
];

describe('splitSurnames', () => {
  it.each(CASES)('%j → %j + %j', (apellidos, paterno, materno) => {
    expect(splitSurnames(apellidos)).toEqual({ apellidoPaterno: paterno, apellidoMaterno: materno });
  });

  it('keeps every word: paterno and materno together are the surnames, less an explicit Y connector', () => {
    for (const [apellidos] of CASES) {
      const { apellidoPaterno, apellidoMaterno } = splitSurnames(apellidos);
      const joined = [apellidoPaterno, apellidoMaterno].filter(Boolean).join(' ');
      const connector = / Y (?=.)/.test(apellidos) && !apellidos.endsWith(' Y');
      expect(joined).toBe(connector ? apellidos.replace(' Y ', ' ') : apellidos);
    }
  });

  it.each([...SURNAME_PARTICLES])('attaches the particle %s to the word after it', (particle) => {
    expect(splitSurnames(`${particle} ROBLES SOTO`)).toEqual({
      apellidoPaterno: `${particle} ROBLES`,
      apellidoMaterno: 'SOTO',
    });
  });

  it.each([...COMPOUND_SURNAMES])('keeps the compound %s whole, before and after a materno', (compound) => {
    expect(splitSurnames(`${compound} SOTO`)).toEqual({ apellidoPaterno: compound, apellidoMaterno: 'SOTO' });
    expect(splitSurnames(`SOTO ${compound}`)).toEqual({ apellidoPaterno: 'SOTO', apellidoMaterno: compound });
  });
});
