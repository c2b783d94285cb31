import { redactConnectionString } from '../core/text/redact-connection-string.js';
import type { BackendConfig } from './load-config.js';

const HIDDEN = '***';

/** The configuration as it may be shown (doctor, logs): keys hidden, passwords out of URLs. */
export function redactConfig(config: BackendConfig): Record<string, unknown> {
  return {
    ...config,
    db: config.db === undefined ? undefined : redactConnectionString(config.db),
    chroma: {
      ...config.chroma,
      url: redactUrl(config.chroma.url),
      ...(config.chroma.authToken ? { authToken: HIDDEN } : {}),
    },
    openai: {
      ...config.openai,
      ...(config.openai.apiKey ? { apiKey: HIDDEN } : {}),
      ...(config.openai.baseUrl ? { baseUrl: redactUrl(config.openai.baseUrl) } : {}),
    },
    azure: { ...config.azure, ...(config.azure.apiKey ? { apiKey: HIDDEN } : {}) },
  };
}

/** Removes every secret value of the configuration from a message (an SDK may echo what it was given). */
export function redactSecrets(message: string, config: BackendConfig): string {
  let out = message;
  for (const secret of [config.openai.apiKey, config.azure.apiKey, config.chroma.authToken]) {
    if (secret && secret.length >= 4) out = out.split(secret).join(HIDDEN);
  }
  return out;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = HIDDEN;
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
