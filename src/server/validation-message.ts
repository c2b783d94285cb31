/** The parts of an ajv error the message needs (Fastify validates with ajv, `verbose` on: `data` and `parentSchema` come with it). */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  data?: unknown;
  parentSchema?: {
    title?: string;
    enum?: unknown[];
    properties?: Record<string, unknown>;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
  };
}

const WHERE: Record<string, string> = {
  body: 'the JSON body',
  params: 'the path',
  querystring: 'the query string',
  headers: 'the headers',
};

/** What a format means, for people. */
const FORMATS: Record<string, string> = {
  uuid: 'an id as the API gave it (a UUID, like 3f2a9c1e-5b7d-4e21-9c3a-0d4e5f6a7b8c)',
};

const TYPES: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'a JSON object',
  array: 'a list',
};

/**
 * The 400's message for a request the schema refused, in plain words: which field, where, what it must be
 * and what came instead (ajv's own reads `body/processing_type must be equal to one of the allowed values`).
 */
export function validationMessage(issues: readonly ValidationIssue[], context: string | undefined): string {
  const issue = issues[0];
  const where = WHERE[context ?? ''] ?? 'the request';
  if (!issue) return `${where} is not valid`;
  if (context === 'body' && issue.instancePath === '' && (issue.data === null || issue.data === undefined)) {
    return 'the request has no JSON body: send its fields as a JSON object, with Content-Type: application/json';
  }
  const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const named = field === '' ? where : `${field} in ${where}`;
  const schema = issue.parentSchema ?? {};
  const got = issue.data === undefined ? '' : `, not ${shown(issue.data)}`;
  switch (issue.keyword) {
    case 'required':
      return `${String(issue.params.missingProperty)} is missing from ${where}: it is required`;
    case 'additionalProperties': {
      const known = Object.keys(schema.properties ?? {});
      const takes =
        known.length > 0
          ? `: it takes ${known.join(', ')}`
          : context === 'querystring'
            ? ': this call takes none'
            : '';
      const kind = context === 'querystring' ? 'parameter' : 'field';
      return `${String(issue.params.additionalProperty)} is not a ${kind} ${where} takes${takes}`;
    }
    case 'enum':
      return `${named} must be one of ${(schema.enum ?? (issue.params.allowedValues as unknown[]) ?? []).join(', ')}${got}`;
    case 'format': {
      const format = String(issue.params.format);
      return `${named} must be ${FORMATS[format] ?? `in the ${format} format`}${got}`;
    }
    case 'type': {
      const type = String(issue.params.type);
      return `${named} must be ${type
        .split(',')
        .map((t) => TYPES[t] ?? t)
        .join(' or ')}${got}`;
    }
    case 'pattern':
      return `${named} must be ${schema.title ?? `written as ${String(issue.params.pattern)}`}${got}`;
    case 'minLength':
      return issue.params.limit === 1
        ? `${named} is empty: give a value`
        : `${named} must be at least ${String(issue.params.limit)} characters long`;
    case 'maxLength':
      return `${named} must be at most ${String(issue.params.limit)} characters long`;
    case 'minimum':
    case 'maximum':
      return `${named} must be ${issue.keyword === 'minimum' ? 'at least' : 'at most'} ${String(issue.params.limit)}${got}`;
    default:
      return `${named} is not valid (${issue.keyword})`;
  }
}

/** The value the client sent, short: a message is no place for a long one. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `'${text}'`;
  }
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
  return String(value);
}
