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
 * body the client chose the types, so a number where text is wanted is its mistake to hear about. Text with
 * control characters is refused too: no name or expediente has one, the audit log and the terminal would
 * show them raw, and PostgreSQL cannot store a NUL (the insert failed: a 500). Only the top-level properties
 * (the API's bodies are flat); a multipart upload has no body schema.
 */
/** C0 controls (NUL, tab, line breaks, escape…), DEL and the C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export async function refuseNonTextFields(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema?.body;
  const body = request.body;
  if (!isObjectSchema(schema) || typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const [name, field] of Object.entries(schema.properties)) {
    const value = (body as Record<string, unknown>)[name];
    if (field.type !== 'string' || value === undefined) continue;
    const what = field.title ? ` (${field.title})` : '';
    if (typeof value === 'string') {
      const control = CONTROL_CHARACTER.exec(value);
      if (!control) continue;
      const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new ApiError(
        400,
        `${name}${what} contains a control character (${code}, at character ${control.index + 1}): send it as plain text, without control characters`,
      );
    }
    throw new ApiError(
      400,
      `${name} must be text${what}, not ${kindOf(value)}: send it as a JSON string, in quotes`,
    );
  }
}

function isObjectSchema(schema: unknown): schema is ObjectSchema {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    'properties' in schema &&
    typeof schema.properties === 'object'
  );
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return 'true or false';
  if (typeof value === 'number') return 'a number';
  return 'an object';
}
