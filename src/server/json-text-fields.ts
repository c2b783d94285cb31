import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

interface ObjectSchema {
  type: 'object';
  properties: Record<string, { type?: unknown; title?: string }>;
}

/**
 * A preValidation hook: a JSON body's text fields must be JSON strings (400 otherwise). The validator coerces
 * types (`coerceTypes`) for query strings and path parameters, which are always text, and it would coerce a
 * body's too: `"uploaded_by": 123` became "123", `"expediente": 3000147773` an expediente, silently. In a JSON
 * body the client chose the types, so a number where text is wanted is its mistake to hear about. Only the
 * top-level properties (the API's bodies are flat); a multipart upload has no body schema.
 */
export async function refuseNonTextFields(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema?.body;
  const body = request.body;
  if (!isObjectSchema(schema) || typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const [name, field] of Object.entries(schema.properties)) {
    const value = (body as Record<string, unknown>)[name];
    if (field.type !== 'string' || value === undefined || typeof value === 'string') continue;
    const what = field.title ? ` (${field.title})` : '';
    throw new ApiError(400, `${name} must be text${what}, not ${kindOf(value)}: send it as a JSON string, in quotes`);
  }
}

function isObjectSchema(schema: unknown): schema is ObjectSchema {
  return typeof schema === 'object' && schema !== null && 'properties' in schema && typeof schema.properties === 'object';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'number') return 'a number';
  return 'an object';
}
