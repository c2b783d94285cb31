import type { FastifyInstance } from 'fastify';
import { checkServiceHealth } from '../../app/service-health.js';
import { PROCESSING_TYPES, type ProcessingType } from '../../core/pipeline/statuses.js';
import { errors, healthResponse, processingTypesResponse, unavailableHealthResponse } from '../schemas.js';
import type { ServerDeps } from '../server-deps.js';

/** The hospital service's labels for the processing types. */
const PROCESSING_TYPE_INFO: Record<ProcessingType, { label: string; description: string }> = {
  vectorized: {
    label: 'Vectorized Only',
    description:
      'Chunks, embeds and stores the text in the vector store for semantic search; no full text in the database.',
  },
  complete: {
    label: 'Complete Storage',
    description: 'Stores the full extracted text in the database; no vectors.',
  },
  both: {
    label: 'Both',
    description: 'Stores the full text in the database and the chunks in the vector store.',
  },
};

/** `GET /processing-types` and `GET /health`. */
export function metaRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get(
    '/processing-types',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'The processing types a session can have',
        response: { 200: processingTypesResponse, ...errors(401, 403) },
      },
    },
    async () => ({
      processing_types: PROCESSING_TYPES.map((value) => ({ value, ...PROCESSING_TYPE_INFO[value] })),
    }),
  );

  app.get(
    '/health',
    {
      // Load balancers and monitoring probe it without a token; it says nothing about patients.
      config: { role: 'public', rateLimit: false },
      schema: {
        summary: 'Health of the service, its database and Chroma (503 when unhealthy)',
        security: [],
        response: { 200: healthResponse, 503: unavailableHealthResponse },
      },
    },
    async (request, reply) => {
      const health = await checkServiceHealth(deps.database, deps.backends);
      // Details stay in the server's log: this answer is public.
      if (health.problems.length > 0)
        request.log.warn({ problems: health.problems }, 'health check found problems');
      return reply.code(health.status === 'healthy' ? 200 : 503).send({
        status: health.status,
        batch_service: 'healthy',
        database: health.database,
        chroma: health.chroma,
        timestamp: deps.now().toISOString(),
      });
    },
  );
}
