/**
 * The few statements over pg-boss's own tables that its API (10.x) has no call for. They rely on its job
 * table as schema version 24 defines it (`job` and `archive`, partitioned by queue name, `state` an enum
 * ordered created < retry < active < completed < cancelled < failed); test/queue/job-queue.test.ts runs
 * each against the real thing, so an upgrade that changes them fails there first.
 */
export function pgBossStatements(schema: string) {
  return {
    /**
     * A worker's --job-timeout on the jobs it just took: pg-boss fixes a job's expiry when it is queued,
     * but how long a file may take is the worker's to say (its extractor, its OCR limit). And who took them,
     * in `output` (pg-boss writes it only when the job completes or fails): a gone worker's jobs can then be
     * handed on without waiting for that timeout.
     */
    setTimeout: `
      UPDATE ${schema}.job SET expire_in = $3::int * interval '1 second', output = jsonb_build_object('taken_by', $4::text)
      WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
    /** The active jobs the given workers took (see setTimeout). */
    heldBy: `
      SELECT id, name, output->>'taken_by' AS worker FROM ${schema}.job
      WHERE name = ANY($1::text[]) AND state = 'active' AND output->>'taken_by' = ANY($2::text[])`,
    /**
     * Back to the queue without spending an attempt: clearing started_on is what tells pg-boss's fetch
     * that the next start is not a retry. The job's data notes it was put back: the attempt may have written
     * some of the file's work (its patient's creation) before the backend went down, as a retry's may.
     * Only while worker $4 still holds it: a release done again after the database came back (its first one done
     * with the answer lost, see the worker's owed writes) must not put back the job another worker took since.
     */
    release: `
      UPDATE ${schema}.job
      SET state = 'created', started_on = NULL, start_after = now() + $3::int * interval '1 second',
          data = data || jsonb_build_object('putBack', coalesce((data->>'putBack')::int, 0) + 1)
      WHERE name = $1 AND id = $2::uuid AND state = 'active' AND output->>'taken_by' = $4`,
    /**
     * Back to the queue like release, at once: the active jobs worker $2 took (see setTimeout) other than those
     * it holds ($3). In one statement, so that a job another worker took meanwhile (its `taken_by` is then that
     * worker's) is never put back under it.
     */
    releaseStrays: `
      UPDATE ${schema}.job
      SET state = 'created', started_on = NULL, start_after = now(),
          data = data || jsonb_build_object('putBack', coalesce((data->>'putBack')::int, 0) + 1)
      WHERE name = ANY($1::text[]) AND state = 'active' AND output->>'taken_by' = $2
        AND NOT (id = ANY($3::uuid[]))
      RETURNING id`,
    /**
     * Back to the queue like release, for a file still being written, noting in the job's data when the first
     * look found it so ($4, the worker's clock in ms) and how many looks there have been: a file that never
     * stops changing is given up after a bound instead of being looked at for ever.
     */
    postpone: `
      UPDATE ${schema}.job
      SET state = 'created', started_on = NULL, start_after = now() + $3::int * interval '1 second',
          data = data || jsonb_build_object(
            'stillWritingSince', coalesce((data->>'stillWritingSince')::bigint, $4::bigint),
            'postponements', coalesce((data->>'postponements')::int, 0) + 1)
      WHERE name = $1 AND id = $2::uuid AND state = 'active'`,
    liveFileIds: `
      SELECT DISTINCT data->>'fileId' AS file_id FROM ${schema}.job
      WHERE name = ANY($1::text[]) AND state < 'completed' AND data->>'sessionId' = $2`,
    /**
     * What a worker with nothing to take still waits for: jobs other workers hold (and when they run out of
     * time, should those workers be gone), and jobs queued to start later (a retry's backoff, a release's delay).
     */
    waiting: `
      SELECT count(*) FILTER (WHERE state = 'active') AS active,
             max(started_on + expire_in) FILTER (WHERE state = 'active') AS active_until,
             count(*) FILTER (WHERE state < 'active') AS later,
             min(start_after) FILTER (WHERE state < 'active') AS next_start
      FROM ${schema}.job WHERE name = ANY($1::text[])`,
    installed: `SELECT to_regclass('${schema}.job')::text AS name`,
    /** When the last of a session's active jobs runs out of time: pg-boss's maintenance retries it after. */
    sessionActiveExpiry: `
      SELECT max(started_on + expire_in) AS expires FROM ${schema}.job
      WHERE name = $1 AND state = 'active' AND data->>'sessionId' = $2`,
    /** A session's jobs by state, archived ones included (pg-boss archives finished jobs after 12 hours). */
    sessionJobStates: `
      SELECT state::text AS state, count(*) AS n FROM (
        SELECT state, data FROM ${schema}.job WHERE name = $1
        UNION ALL
        SELECT state, data FROM ${schema}.archive WHERE name = $1
      ) jobs
      WHERE data->>'sessionId' = $2
      GROUP BY state`,
  };
}
