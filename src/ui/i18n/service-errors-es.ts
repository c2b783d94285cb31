/**
 * The refusals of a service that is down or refuses us (Chroma, the embeddings service, the port `serve` wants),
 * in Spanish, for usage-errors-es. A server's own words and the addresses stay as they are.
 */
import { fixed, type RefusalRule } from './refusal-rules.js';

/** What a Chroma call was doing (chroma-store's `call(what, …)`), as the refusal's Spanish says it. */
const CHROMA_WORK: readonly [RegExp, (collection: string) => string][] = [
  [/^prepare collection "(.*)"$/s, (c) => `preparar la colección "${c}"`],
  [/^read collection "(.*)"$/s, (c) => `leer la colección "${c}"`],
  [/^list collections$/, () => 'listar las colecciones'],
  [/^write to collection "(.*)"$/s, (c) => `escribir en la colección "${c}"`],
  [/^delete from collection "(.*)"$/s, (c) => `borrar de la colección "${c}"`],
  [/^read from collection "(.*)"$/s, (c) => `leer de la colección "${c}"`],
  [/^query collection "(.*)"$/s, (c) => `consultar la colección "${c}"`],
  [/^count collection "(.*)"$/s, (c) => `contar la colección "${c}"`],
];

function chromaWork(what: string): string {
  for (const [en, es] of CHROMA_WORK) {
    const match = en.exec(what);
    if (match) return es(match[1] ?? '');
  }
  return what;
}

export const SERVICE_RULES: readonly RefusalRule[] = [
  // source-folder: the drop folder went away during the run.
  {
    en: /^the folder (.*) is no longer there \(unmounted, moved or deleted during the run\)$/s,
    es: ([dir]) => `la carpeta ${dir} ya no está (se desmontó, se movió o se borró durante la ejecución)`,
  },
  fixed(
    'mount or restore the folder, then run the same command again: the files not done are taken then',
    'monte o restaure la carpeta y ejecute el mismo comando otra vez: entonces se procesan los archivos pendientes',
  ),
  // queue-worker's givenUpHint: a one-shot worker that stopped in an outage.
  {
    en: /^the service was still down after (\d+) s, so this --until-idle run stopped without failing any file: run the worker again once the service is back, and it takes up the jobs left$/,
    es: ([seconds]) =>
      `el servicio seguía caído tras ${seconds} s, así que esta ejecución con --until-idle se detuvo sin dar ` +
      'ningún archivo por fallido: vuelva a ejecutar el proceso de trabajo cuando el servicio vuelva, y retomará ' +
      'las tareas pendientes',
  },
  // network-error-code's short reasons, inside the messages below.
  fixed('connection refused', 'conexión rechazada'),
  fixed('the host name does not resolve', 'el nombre del host no se resuelve'),
  fixed(
    'the host name cannot be resolved right now (DNS)',
    'el nombre del host no se puede resolver ahora (DNS)',
  ),
  fixed('no route to the host', 'no hay ruta hasta el host'),
  fixed('the network is unreachable', 'la red no está accesible'),
  fixed('the address is not available', 'la dirección no está disponible'),
  fixed(
    'TLS could not be set up (is it an http:// server given as https://?)',
    'no se pudo establecer TLS (¿es un servidor http:// indicado como https://?)',
  ),
  fixed(
    "the server's TLS certificate is for another host name",
    'el certificado TLS del servidor es de otro nombre de host',
  ),
  fixed(
    'the port is one that HTTP clients refuse to use',
    'el puerto es uno que los clientes HTTP se niegan a usar',
  ),
  {
    en: /^the server's TLS certificate is not trusted \((\S+)\)$/,
    es: ([code]) => `el certificado TLS del servidor no es de confianza (${code})`,
  },
  { en: /^no answer within (\S+) s$/, es: ([seconds]) => `sin respuesta en ${seconds} s` },
  { en: /^the connection failed \((.*)\)$/s, es: ([why]) => `la conexión falló (${why})` },
  {
    en: /^the server refused the request \((HTTP \d+): (.*)\)$/s,
    es: ([status, why]) => `el servidor rechazó la solicitud (${status}: ${why})`,
  },
  {
    en: /^the server is unavailable \((HTTP \d+): (.*)\)$/s,
    es: ([status, why]) => `el servidor no está disponible (${status}: ${why})`,
  },
  // Chroma (chroma-store's translateChromaError)
  {
    en: /^cannot reach the Chroma server at (\S+) to (.+?): (.*)$/s,
    es: ([url, what, why], detail) =>
      `no se puede conectar con el servidor Chroma en ${url} para ${chromaWork(what!)}: ${detail(why!)}`,
  },
  fixed(
    'check that Chroma is running (chroma run --path DIR --port PORT) and --chroma-url / CHROMA_URL',
    'compruebe que Chroma esté en marcha (chroma run --path CARPETA --port PUERTO) y --chroma-url / CHROMA_URL',
  ),
  {
    en: /^the Chroma server at (\S+) did not answer \(to (.+?)\): (.*)$/s,
    es: ([url, what, why], detail) =>
      `el servidor Chroma en ${url} no respondió (al ${chromaWork(what!)}): ${detail(why!)}`,
  },
  fixed(
    'check that Chroma is running and not stopped or overloaded; if it is only slow, raise chroma.timeoutSeconds (or TECSALUD_CHROMA_TIMEOUT)',
    'compruebe que Chroma esté en marcha y no detenido ni sobrecargado; si solo es lento, suba chroma.timeoutSeconds (o TECSALUD_CHROMA_TIMEOUT)',
  ),
  {
    en: /^the Chroma server at (\S+) refused to (.+?): (.*)$/s,
    es: ([url, what, why], detail) =>
      `el servidor Chroma en ${url} se negó a ${chromaWork(what!)}: ${detail(why!)}`,
  },
  fixed(
    'check the token (CHROMA_AUTH_TOKEN, chroma.authToken or --chroma-token) and how the server wants it sent (CHROMA_AUTH_TOKEN_TRANSPORT_HEADER or chroma.authHeader: Authorization or X-Chroma-Token)',
    'revise el token (CHROMA_AUTH_TOKEN, chroma.authToken o --chroma-token) y cómo quiere recibirlo el servidor (CHROMA_AUTH_TOKEN_TRANSPORT_HEADER o chroma.authHeader: Authorization o X-Chroma-Token)',
  ),
  fixed(
    'the server wants a token: set CHROMA_AUTH_TOKEN (or chroma.authToken in the config file, or --chroma-token)',
    'el servidor pide un token: defina CHROMA_AUTH_TOKEN (o chroma.authToken en el archivo de configuración, o --chroma-token)',
  ),
  {
    en: /^the Chroma server at (\S+) is unavailable \(to (.+?)\): (.*)$/s,
    es: ([url, what, why], detail) =>
      `el servidor Chroma en ${url} no está disponible (al ${chromaWork(what!)}): ${detail(why!)}`,
  },
  fixed(
    'the proxy in front of Chroma answers, but Chroma behind it does not: check that Chroma is running',
    'el proxy delante de Chroma responde, pero Chroma detrás de él no: compruebe que Chroma esté en marcha',
  ),
  {
    en: /^the server at (\S+) does not answer as a Chroma server \(to (.+?)\): (.*)$/s,
    es: ([url, what, why]) =>
      `el servidor en ${url} no responde como un servidor Chroma (al ${chromaWork(what!)}): ${why}`,
  },
  fixed(
    'check --chroma-url / CHROMA_URL (or chroma.url): the address and port of Chroma 1.0 or later, with no path (e.g. http://chroma.hospital.local:8000); an older Chroma (0.x) needs upgrading',
    'revise --chroma-url / CHROMA_URL (o chroma.url): la dirección y el puerto de Chroma 1.0 o posterior, sin ruta (p. ej. http://chroma.hospital.local:8000); un Chroma anterior (0.x) necesita actualizarse',
  ),
  {
    en: /^the Chroma server at (\S+) has no (tenant|database) '(.*)' \(to (.+?)\)$/s,
    es: ([url, kind, name, what]) =>
      `el servidor Chroma en ${url} no tiene ${kind === 'tenant' ? 'el tenant' : 'la base de datos'} '${name}' (al ${chromaWork(what!)})`,
  },
  fixed(
    'check CHROMA_TENANT / CHROMA_DATABASE (or chroma.tenant / chroma.database): name a tenant and database that exist on that server, or leave them out for its default_tenant and default_database',
    'revise CHROMA_TENANT / CHROMA_DATABASE (o chroma.tenant / chroma.database): indique un tenant y una base de datos que existan en ese servidor, o quítelos para usar sus default_tenant y default_database',
  ),
  {
    en: /^the Chroma server at (\S+) failed to (.+?): (.*)$/s,
    es: ([url, what, why]) => `el servidor Chroma en ${url} falló al ${chromaWork(what!)}: ${why}`,
  },
  fixed(
    "Chroma's own log says why; once it is fixed, run the same command again (it finishes what was interrupted)",
    'el registro de Chroma dice por qué; una vez corregido, ejecute el mismo comando de nuevo (termina lo que se interrumpió)',
  ),
  {
    en: /^Chroma collection "(.*)" measures (\S+) distance, not cosine$/s,
    es: ([collection, space]) =>
      `la colección de Chroma "${collection}" mide la distancia ${space}, no la del coseno`,
  },
  fixed('choose another collection with --collection', 'elija otra colección con --collection'),
  fixed(
    'Use the embedder that filled it, or choose another collection with --collection.',
    'Use el modelo de búsqueda (--embedder) que la llenó, o elija otra colección con --collection.',
  ),
  // The embeddings service (openai-embedder's serviceDown)
  {
    en: /^cannot reach the embeddings service at (.+?): (.*)$/s,
    es: ([where, why], detail) =>
      `no se puede conectar con el modelo de búsqueda (servicio de embeddings) en ${where}: ${detail(why!)}`,
  },
  fixed(
    'check that the service is running and its address: OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT (or openai.baseUrl / azure.endpoint in the config file)',
    'compruebe que el servicio esté en marcha y su dirección: OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT (u openai.baseUrl / azure.endpoint en el archivo de configuración)',
  ),
  {
    en: /^the embeddings service at (.+?) refused the API key \((HTTP \d+)\)$/s,
    es: ([where, status]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} rechazó la clave de API (${status})`,
  },
  fixed(
    'check OPENAI_API_KEY / AZURE_OPENAI_API_KEY (or openai.apiKey / azure.apiKey in the config file)',
    'revise OPENAI_API_KEY / AZURE_OPENAI_API_KEY (u openai.apiKey / azure.apiKey en el archivo de configuración)',
  ),
  fixed(
    'name the model behind the deployment with --embedding-model (e.g. text-embedding-3-large): shortened vectors are asked for only from a text-embedding-3 model; or set --embedding-dimensions to the size it returns',
    'indique con --embedding-model el modelo detrás del deployment (p. ej. text-embedding-3-large): los vectores acortados solo se piden a un modelo text-embedding-3; o fije --embedding-dimensions al tamaño que devuelve',
  ),
  fixed(
    'set --embedding-dimensions to the model’s size, or use another collection',
    'fije --embedding-dimensions al tamaño del modelo, o use otra colección',
  ),
  {
    en: /^the embeddings service at (.+?) did not answer within (\S+) s(?: \((\d+) attempts\))?$/s,
    es: ([where, seconds, attempts]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} no respondió en ${seconds} s${attempts ? ` (${attempts} intentos)` : ''}`,
  },
  fixed(
    'check that the service is up; if it is only slow, raise embedding.timeoutSeconds (or TECSALUD_EMBEDDING_TIMEOUT)',
    'compruebe que el servicio esté en marcha; si solo es lento, suba embedding.timeoutSeconds (o TECSALUD_EMBEDDING_TIMEOUT)',
  ),
  {
    en: /^the embeddings service at (.+?) cut the connection before answering \((\d+) attempts\)$/s,
    es: ([where, attempts]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} cortó la conexión antes de responder (${attempts} intentos)`,
  },
  fixed(
    'check that the service is up, and any proxy or firewall on the way to it',
    'compruebe que el servicio esté en marcha, y cualquier proxy o cortafuegos en el camino hacia él',
  ),
  // serve's port (start-server's explainListenError)
  { en: /^(\S+) is already in use$/, es: ([where]) => `${where} ya está en uso` },
  fixed(
    'stop what listens there, or choose another --port',
    'detenga lo que escucha ahí, o elija otro --port',
  ),
  { en: /^not allowed to listen on (\S+)$/, es: ([where]) => `no se permite escuchar en ${where}` },
  fixed(
    'ports below 1024 need privileges: use a higher --port behind the reverse proxy',
    'los puertos por debajo de 1024 requieren privilegios: use un --port más alto detrás del proxy inverso',
  ),
  {
    en: /^cannot listen on (\S+): this machine has no such address$/,
    es: ([host]) => `no se puede escuchar en ${host}: esta máquina no tiene esa dirección`,
  },
  fixed('give one of its addresses with --host', 'indique una de sus direcciones con --host'),
];
