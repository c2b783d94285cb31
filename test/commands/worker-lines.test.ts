import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/adapters/extraction/describe-failure.js';
import { workerEventLine } from '../../src/commands/shared/worker-lines.js';
import { keptChanging } from '../../src/core/pipeline/still-being-written.js';
import { EN, ES } from '../../src/ui/i18n/messages.js';

const SESSION = '0c191b94-1111-4222-8333-444455556666';

describe("a worker's lines", () => {
  it('put an error the screens know in Spanish, and keep one they do not as it is', () => {
    const corrupt = describeFailure('corrupt').message;
    const givenUp = {
      type: 'file_given_up',
      sessionId: SESSION,
      relativePath: 'a.pdf',
      attempts: 3,
      error: corrupt,
    } as const;
    expect(workerEventLine(givenUp, ES)).toBe(
      `sesión 0c191b94: un archivo falló en los 3 intentos (${ES.detail(corrupt)}); ` +
        'vea `tecsalud-batch status 0c191b94 --files`',
    );
    expect(ES.detail(corrupt)).not.toBe(corrupt);
    expect(workerEventLine(givenUp, EN)).toBe(
      `session 0c191b94: a file failed on all 3 attempts (${corrupt}); see \`tecsalud-batch status 0c191b94 --files\``,
    );
  });

  it('say a backend is down with what to check, never "run the same command again", in Spanish throughout', async () => {
    const { translateServeLogText } = await import('../../src/ui/i18n/serve-log-es.js');
    // A bare library text: said in Spanish, what failed and what to check, its own words kept for IT.
    const bare = {
      type: 'service_down',
      error: 'connect ECONNREFUSED 127.0.0.1:5432',
      hint: null,
      pauseSeconds: 2,
      oneShot: false,
    } as const;
    expect(workerEventLine(bare, ES, translateServeLogText)).toBe(
      'un servicio no responde (el servicio en 127.0.0.1:5432 rechazó la conexión; compruebe que esté en marcha y que ' +
        'esa sea la dirección de la configuración (texto original: connect ECONNREFUSED 127.0.0.1:5432)): las tareas ' +
        'vuelven a la cola; pausa de 2 s\n' +
        'sugerencia: compruebe que el servicio esté en marcha y su dirección en la configuración del proceso de trabajo; ' +
        'el proceso de trabajo sigue en marcha: retoma sus tareas por sí solo cuando el servicio vuelva, sin reiniciarlo; ' +
        'los archivos de las tareas que devolvió a la cola no se dan por fallidos',
    );
    const lost = {
      type: 'service_down',
      error:
        'lost the connection to the PostgreSQL database postgres://u:***@db:5432/t: Connection terminated unexpectedly',
      hint:
        'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
        'run the same command again once it is back: files not done are taken up then',
      pauseSeconds: 4,
      oneShot: false,
    } as const;
    expect(workerEventLine(lost, EN)).toBe(
      'a backend is down (lost the connection to the PostgreSQL database postgres://u:***@db:5432/t: Connection ' +
        'terminated unexpectedly): jobs go back to the queue; pausing 4 s\n' +
        'hint: check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
        'the worker stays up: it takes its jobs again by itself once the service is back, with no restart; the files ' +
        'of the jobs it put back are not failed',
    );
    const spanish = workerEventLine(lost, ES, translateServeLogText)!;
    expect(spanish).toMatch(
      /^un servicio no responde \(se perdió la conexión con la base de datos PostgreSQL /,
    );
    expect(spanish).toMatch(/\nsugerencia: revise el servidor \(un reinicio/);
    expect(spanish).not.toMatch(/\b(the|check|again|lost|worker)\b|mismo comando/);
  });

  it('say a worker run --until-idle waits an outage out only so long, not that it stays up', async () => {
    const { translateServeLogText } = await import('../../src/ui/i18n/serve-log-es.js');
    const down = {
      type: 'service_down',
      error: 'the OCR service is not answering',
      hint: null,
      pauseSeconds: 8,
      oneShot: true,
    } as const;
    expect(workerEventLine(down, EN)).toBe(
      'a backend is down (the OCR service is not answering): jobs go back to the queue; pausing 8 s\n' +
        "hint: check that the service is up and its address in the worker's settings; this --until-idle run waits " +
        'for the service up to queue.untilIdleOutageSeconds, then stops; the files of the jobs it put back are not failed',
    );
    expect(workerEventLine(down, ES, translateServeLogText)).toMatch(
      /\nsugerencia: compruebe que el servicio esté en marcha y su dirección en la configuración del proceso de trabajo; esta ejecución con --until-idle espera al servicio hasta queue.untilIdleOutageSeconds, y luego se detiene; los archivos de las tareas que devolvió a la cola no se dan por fallidos$/,
    );
  });

  it('say a file still being copied in is taken again later, in Spanish with its reason translated', () => {
    const reason =
      'it changed while the run was reading it (2000 bytes, then 2050): it is still being written; left for the next run';
    const postponed = {
      type: 'job_postponed',
      sessionId: SESSION,
      fileId: 'f-1',
      relativePath: 'a.pdf',
      outcome: 'still_being_written',
      reason,
      delaySeconds: 10,
    } as const;
    expect(workerEventLine(postponed, EN)).toBe(
      `session 0c191b94: a file is not ready yet (${reason}); its job is taken again in 10 s, without spending an attempt`,
    );
    expect(workerEventLine(postponed, ES)).toBe(
      `sesión 0c191b94: un archivo aún no está listo (${ES.detail(reason)}); su tarea se retoma en 10 s, sin gastar un intento`,
    );
    expect(ES.detail(reason)).toMatch(/^cambió mientras la ejecución lo leía/);
  });

  it('say a file that never stopped changing was given up, and how it gets in later, in Spanish too', () => {
    const reason =
      'it changed while the run was reading it (2000 bytes, then 2050): it is still being written; left for the next run';
    const event = {
      type: 'file_still_changing',
      sessionId: SESSION,
      relativePath: 'a.pdf',
      duration: '10 min',
      reason,
    } as const;
    expect(workerEventLine(event, EN)).toBe(
      `session 0c191b94: a file kept changing for 10 min (${reason}); given up so that the queue can end, and left in the ` +
        'folder: once nothing writes to it, `ingest --enqueue` the folder again; see `tecsalud-batch status 0c191b94 --files`',
    );
    expect(workerEventLine(event, ES)).toBe(
      `sesión 0c191b94: un archivo siguió cambiando durante 10 min (${ES.detail(reason)}); se abandonó para que la cola ` +
        'pueda terminar, y queda en la carpeta: cuando nada lo escriba, vuelva a ejecutar `ingest --enqueue` sobre la ' +
        'carpeta; vea `tecsalud-batch status 0c191b94 --files`',
    );
    // The file's own message, as `status --files` shows it, in Spanish with the last look's reason translated.
    const detail = keptChanging(600_000, 60, reason);
    expect(detail).toBe(
      `it kept changing for 10 min, still being written at each of 60 looks (the last: ${reason}); given up so that the ` +
        'queue can end, and left where it is: once nothing writes to it, `ingest --enqueue` the folder again',
    );
    expect(ES.detail(detail)).toBe(
      `siguió cambiando durante 10 min, todavía escribiéndose en cada una de 60 revisiones (la última: ${ES.detail(reason)}); ` +
        'se abandonó para que la cola pueda terminar, y queda donde está: cuando nada lo escriba, vuelva a ejecutar ' +
        '`ingest --enqueue` sobre la carpeta',
    );
  });

  it('say nothing of a copy whose detail only followed its holder (the log has it)', () => {
    const result = { relativePath: 'b.pdf', outcome: 'duplicate_in_batch', message: 'x' };
    const event = {
      type: 'file_outcome_changed',
      sessionId: SESSION,
      previous: result,
      result: { ...result, message: 'y' },
    } as unknown as Parameters<typeof workerEventLine>[0];
    expect(workerEventLine(event, ES)).toBeNull();
  });
});
