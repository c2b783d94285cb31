import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli-binary.js';
import {
  copyDatabase,
  ingestSample,
  type DatabaseCopy,
  type IngestedSample,
} from '../review/support/ingested-sample.js';

/** What the registry and administration commands print for a person, in the language chosen (the built CLI). */
describe(
  'the commands speak --lang es (patients, documents, sessions, unlock, tokens, serve, match, search, cleanup)',
  { tags: ['slow'] },
  () => {
    let sample: IngestedSample;
    let copy: DatabaseCopy;
    let cwd: string;
    beforeAll(async () => {
      sample = await ingestSample();
      copy = copyDatabase(sample.templateDb);
      cwd = path.dirname(copy.url);
      fs.mkdirSync(path.join(cwd, 'drop'));
    });
    afterAll(() => {
      copy?.cleanup();
      sample?.cleanup();
    });

    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runCli([...args, '--db', copy.url], {
        cwd,
        env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '', LC_MESSAGES: '', ...env },
      });

    /** A document of the sample and its patient, from the registry. */
    const aDocument = () => {
      const handle = new Database(copy.url, { readonly: true });
      try {
        return handle
          .prepare(
            'select d.id, p.expediente from medical_documents d join patients p on p.id = d.patient_id limit 1',
          )
          .get() as {
          id: string;
          expediente: string;
        };
      } finally {
        handle.close();
      }
    };

    it('patients list, show and search', async () => {
      const { expediente } = aDocument();
      const [list, show, search, english] = await Promise.all([
        run(['patients', 'list', '--limit', '2', '--lang', 'es']),
        run(['patients', 'show', expediente, '--lang', 'es']),
        run(['patients', 'search', 'ZZZQ'], { LANG: 'es_MX.UTF-8' }),
        run(['patients', 'list', '--limit', '2', '--lang', 'en'], { LANG: 'es_MX.UTF-8' }),
      ]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/\nSe muestran 2 de \d+ pacientes \(desde 0\)\.\n$/);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/^origen {15}/m);
      expect(show.stdout).toMatch(/^documentos {11}[1-9]/m);
      expect(search.stdout).toBe("0 pacientes coinciden con 'ZZZQ'.\n");
      expect(english.stdout).toMatch(/\n2 of \d+ patients shown \(offset 0\)\.\n$/);
    });

    it('documents move, sessions, unlock and tokens', async () => {
      const { id, expediente } = aDocument();
      const moved = await run(['documents', 'move', id.slice(0, 8), '--to', expediente, '--lang', 'es']);
      expect(moved.code, moved.stderr).toBe(0);
      expect(moved.stdout).toMatch(
        new RegExp(`^El documento ${id.slice(0, 8)} ya pertenece a ${expediente} `),
      );

      const [sessions, unlock, created] = await Promise.all([
        run(['sessions', '--lang', 'es']),
        run(['unlock', 'drop', '--lang', 'es']),
        run(['tokens', 'create', '--name', 'recepcion', '--role', 'uploader', '--lang', 'es']),
      ]);
      expect(sessions.stdout).toMatch(/ \d+\/\d+ +archivos {2}\d+ fallidos? {2}\d+ en revisión {2}/);
      expect(unlock.stdout).toMatch(/^No hay bloqueo de ejecución en .*drop: nada que levantar\.\n$/);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toMatch(/^Token 'recepcion' \(uploader\) creado\. Solo se muestra ahora/);
      const listed = await run(['tokens', 'list', '--lang', 'es']);
      expect(listed.stdout).toMatch(
        /^NOMBRE +ROL +ESTADO +CADUCA +ÚLTIMO USO\nrecepcion +uploader +activo +nunca/,
      );
      const revoked = await run(['tokens', 'revoke', 'recepcion', '--lang', 'es']);
      expect(revoked.stdout).toBe("Token 'recepcion' revocado.\n");
    });

    it("match: the decision, each candidate's reasons and the content check", async () => {
      const pdf = fs
        .readdirSync(sample.sourceDir)
        .find((name) => name.startsWith('3000147773_') && name.endsWith('_CONS.pdf'))!;
      const [typo, read, english] = await Promise.all([
        run(['match', '3000147774_BONILLA SEPULVEDA, ADRIANA_6459808119_CONS.pdf', 'x.pdf', '--lang', 'es']),
        run(['match', path.join(sample.sourceDir, pdf)], { LC_ALL: 'es_MX.UTF-8' }),
        run(['match', '3000147774_BONILLA SEPULVEDA, ADRIANA_6459808119_CONS.pdf', '--lang', 'en'], {
          LANG: 'es_MX.UTF-8',
        }),
      ]);
      expect(typo.code).toBe(3);
      // The decision in Spanish words with its code (it was the bare code, REVIEW).
      expect(typo.stdout).toMatch(/^ {2}decisión {3}REVISIÓN \(review; confianza \d\.\d{3}\) — .+ \(\w+\)$/m);
      expect(typo.stdout).toContain(
        '· el expediente (3000147773) difiere en una tecla del que trae el archivo',
      );
      expect(typo.stdout).toMatch(/^ {2}✗ nombre no válido: no hay separadores '_'/m);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toMatch(/^ {2}contenido {2}COINCIDE \(agrees\)$/m);
      expect(read.stdout).toContain(
        '· el documento nombra al paciente al que lo asignaría el nombre del archivo',
      );
      expect(english.stdout).toMatch(/^ {2}decision {3}\w+ \(confidence \d\.\d{3}\) — \w+$/m);
      expect(english.stdout).toContain("· expediente one keystroke from the filename's (3000147773)");
    });

    it('parse: the type in words, why a name does not fit, the format expected', async () => {
      const names = ['3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf', 'x.pdf'];
      const env = { LANG: 'C', LC_ALL: '' };
      const [es, en] = await Promise.all([
        runCli(['parse', ...names, '--lang', 'es'], { cwd, env }),
        runCli(['parse', ...names], { cwd, env }),
      ]);
      expect(es.code).toBe(3);
      expect(es.stdout).toContain('  tipo              consulta (consultation, CONS)\n');
      expect(es.stdout).toContain("✗ x.pdf: no hay separadores '_'");
      expect(es.stdout).toMatch(
        /\nFormato esperado: \[EXPEDIENTE\]_.*\(NUMERO es opcional\)\nEjemplo: +3000003799_/,
      );
      expect(es.stdout).toMatch(/\n1 interpretado, 1 fallido\n$/);
      expect(en.stdout).toContain('  tipo              consultation (CONS)\n');
      expect(en.stdout).toMatch(/\n1 parsed, 1 failed\n$/);
    });

    it('doctor: each check, its detail and the verdict', async () => {
      fs.writeFileSync(path.join(cwd, 'a-file'), '');
      const [es, en] = await Promise.all([
        run(['doctor', '--log-file', '.', '--archive-dir', 'a-file', '--lang', 'es']),
        run(['doctor', '--log-file', '.', '--archive-dir', 'a-file']),
      ]);
      expect(es.code).toBe(64);
      expect(es.stdout).toMatch(/^OK {5}base de datos {10}.+ \(sqlite\) responde y está migrada$/m);
      expect(es.stdout).toMatch(/^OK {5}modelo de búsqueda {5}hashing-v1 \(dimensión \d+\) respondió$/m);
      expect(es.stdout).toMatch(
        /^OK {5}índice de búsqueda {5}embebido \(sqlite-vec\): colección "medical_documents" \(\d+ fragmentos\)/m,
      );
      expect(es.stdout).toMatch(
        /^FALLO {2}archivos de ejecución {2}--log-file \. es una carpeta; --archive-dir a-file es un archivo, no una carpeta$/m,
      );
      expect(es.stdout).toMatch(/\nCon fallos: vea las líneas FALLO de arriba\.\n$/);
      expect(en.code).toBe(64);
      expect(en.stdout).toMatch(
        /^FAIL {2}run files {5}--log-file \. is a folder; --archive-dir a-file is a file, not a folder$/m,
      );
      expect(en.stdout).toMatch(/\nUnhealthy: see the FAIL lines above\.\n$/);
    });

    it('patients import: the report, each refused row and a file that is not a registry', async () => {
      fs.writeFileSync(
        path.join(cwd, 'filas.csv'),
        'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
          '30000001,PEREZ,LOPEZ,ANA,31/02/1990,F\n30000002,PEREZ,LOPEZ,,1990-01-01,F\n30000003,PEREZ,LOPEZ,JUAN,1990-01-01,X\n' +
          '30000004,PEREZ,LOPEZ,LUIS,1990-01-01,M\n',
      );
      fs.writeFileSync(path.join(cwd, 'otra.csv'), 'nombre,apellido\nA,B\n');
      const env = { TECSALUD_DB: '', LANG: 'C', LC_ALL: '' };
      const [rows, other, english] = await Promise.all([
        runCli(['patients', 'import', 'filas.csv', '--db', 'importado.db', '--lang', 'es'], { cwd, env }),
        runCli(['patients', 'import', 'otra.csv', '--db', 'otro.db', '--lang', 'es'], { cwd, env }),
        runCli(['patients', 'import', 'filas.csv', '--db', 'importado-en.db'], { cwd, env }),
      ]);
      expect(rows.code).toBe(3);
      expect(rows.stdout).toMatch(
        /^Importadas 4 filas de filas\.csv en [\d.]+ s: 1 insertada, 0 actualizadas, 0 sin cambios, 0 repetidas, 3 rechazadas\.\n/,
      );
      expect(rows.stdout).toContain(
        "  línea 2: fecha_nacimiento '31/02/1990' no es un día del calendario (el mes 2 tiene 28 días)\n",
      );
      expect(rows.stdout).toContain('  línea 3: nombres vacío\n');
      expect(rows.stdout).toContain(
        "  línea 4: sexo 'X' no es F ni M (también FEMENINO, MASCULINO, MUJER, HOMBRE, H)\n",
      );
      expect(other.code).toBe(64);
      expect(other.stderr).toMatch(
        /^error: 'otra\.csv' no es un CSV de registro de pacientes: no hay columna 'expediente' \(se encontró: nombre, apellido\)\n/,
      );
      expect(english.stdout).toContain('  line 3: empty nombres\n');
    });

    it('serve: its start, its warnings and its stop', async () => {
      const child = spawnCli(['serve', '--port', '0', '--db', copy.url, '--lang', 'es'], {
        cwd,
        env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '' },
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const deadline = Date.now() + 60_000;
      // Its last words before it waits for a signal: the warnings after the line that says where it listens.
      const ready = () => /escuchando en http:\/\/127\.0\.0\.1:\d+/.test(out) && /^sugerencia: /m.test(err);
      while (!ready() && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      child.kill('SIGTERM');
      expect(await exited, `${out}\n${err}`).toBe(0);
      expect(out).toMatch(
        /^tecsalud-batch serve: escuchando en http:\/\/127\.0\.0\.1:\d+\/api\/v1\/documents\/batch \(documentación: /m,
      );
      // The revoked token above leaves none usable.
      expect(err).toMatch(
        /^aviso: no hay tokens utilizables: se rechazará toda llamada \(401\)\nsugerencia: cree uno con /m,
      );
      expect(out).toMatch(/^Deteniendo: no se aceptan llamadas nuevas;/m);
    });

    it('search, processing-types and cleanup', async () => {
      const [found, none, types, english] = await Promise.all([
        run(['search', 'biometría hemática', '-k', '1', '--lang', 'es']),
        run(['cleanup', '--older-than', '1.5w', '--lang', 'es']),
        // It reads no database: no --db.
        runCli(['processing-types'], { cwd, env: { LANG: 'es_MX.UTF-8', LC_ALL: '' } }),
        runCli(['processing-types', '--json'], { cwd, env: { LANG: 'es_MX.UTF-8', LC_ALL: '' } }),
      ]);
      expect(found.code, found.stderr).toBe(0);
      // The type in words with its code (a lab_results chunk is the closest to 'biometría hemática'), and once what the distance means.
      expect(found.stdout).toMatch(
        /^1\. .+\.pdf · expediente \d+ [^·]+, [^·]+ · laboratorio \(lab_results\) · fragmento \d+\/\d+ · distancia \d\.\d{3}\n/,
      );
      expect(found.stdout).toMatch(
        /\ndistancia: cuánto se aleja el fragmento del texto buscado \(0: idéntico\); los más cercanos van primero\.\n$/,
      );
      // The duration in words, not the flag's code ('1.5w').
      expect(none.stdout).toBe('No hay sesiones terminadas de hace más de 1.5 semanas.\n');
      expect(types.stdout).toMatch(/^both {8}Ambos {7}Guarda el texto completo en la base de datos/m);
      expect(JSON.parse(english.stdout)).toContainEqual(
        expect.objectContaining({ value: 'both', label: 'Both' }),
      );

      const handle = new Database(copy.url, { readonly: true });
      const session = (handle.prepare('select id from batch_uploads limit 1').get() as { id: string }).id;
      handle.close();
      const cleaned = await run(['cleanup', session.slice(0, 8), '--lang', 'es']);
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(cleaned.stdout).toMatch(
        new RegExp(
          `^Sesión ${session.slice(0, 8)} limpiada: \\d+ registros? de archivo quitados?.*; los documentos ingresados se conservan\\.\n$`,
        ),
      );
    });
  },
);
