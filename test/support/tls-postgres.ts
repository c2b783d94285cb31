import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL server of the test's own with `ssl=on` and a certificate made for it (a CA of the test's,
 * and a server certificate for 127.0.0.1 signed by it), started as the `postgres` user the way
 * `.ci/services.sh` starts the shared one: the shared server is never touched. Needs root (to run as
 * postgres), initdb and openssl; `tlsPostgresAvailable()` says whether this machine has them.
 */
export interface TlsPostgres {
  /** `postgres://tecsalud:tecsalud@127.0.0.1:PORT/tecsalud_tls`, without TLS parameters. */
  url: string;
  /** The CA that signed the server's certificate (PEM file), for sslrootcert. */
  caFile: string;
  /** Another CA, that signed nothing this server shows. */
  otherCaFile: string;
  stop(): Promise<void>;
}

function postgresBin(): string | null {
  const versions = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .filter((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length > 0) return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && fs.existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return null;
}

function has(command: string): boolean {
  try {
    execFileSync(command, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function tlsPostgresAvailable(): boolean {
  return process.getuid?.() === 0 && postgresBin() !== null && has('openssl');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function asPostgres(command: string): void {
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe' });
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** A CA (key and self-signed certificate) in `dir` named `name`. */
function makeCa(dir: string, name: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      key,
      '-out',
      cert,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { stdio: 'pipe' },
  );
  return { key, cert };
}

export async function startTlsPostgres(): Promise<TlsPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('initdb not found');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-tls-pg-'));
  fs.chmodSync(dir, 0o755);
  const ca = makeCa(dir, 'test-ca');
  const other = makeCa(dir, 'other-ca');
  const serverKey = path.join(dir, 'server.key');
  const serverCsr = path.join(dir, 'server.csr');
  const serverCert = path.join(dir, 'server.pem');
  const extensions = path.join(dir, 'server.ext');
  fs.writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  execFileSync(
    'openssl',
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      serverKey,
      '-out',
      serverCsr,
    ],
    { stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      serverCsr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      serverCert,
    ],
    { stdio: 'pipe' },
  );
  // PostgreSQL refuses a key that others may read; it must belong to the server's user.
  execFileSync('chown', ['postgres:postgres', serverKey, serverCert, dir]);
  fs.chmodSync(serverKey, 0o600);
  for (const file of [ca.cert, other.cert]) fs.chmodSync(file, 0o644);

  const data = path.join(dir, 'data');
  const port = await freePort();
  asPostgres(
    `${quote(`${bin}/initdb`)} -D ${quote(data)} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null`,
  );
  const settings = [
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`,
    `-c ssl=on -c ssl_cert_file=${serverCert} -c ssl_key_file=${serverKey} -c fsync=off`,
  ].join(' ');
  asPostgres(
    `${quote(`${bin}/pg_ctl`)} -D ${quote(data)} -l ${quote(path.join(dir, 'server.log'))} -w -t 60 -o ${quote(settings)} start >/dev/null`,
  );

  const { default: pg } = await import('pg');
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE tecsalud LOGIN PASSWORD 'tecsalud' CREATEDB`);
    await admin.query('CREATE DATABASE tecsalud_tls OWNER tecsalud');
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://tecsalud:tecsalud@127.0.0.1:${port}/tecsalud_tls`,
    caFile: ca.cert,
    otherCaFile: other.cert,
    stop: async () => {
      try {
        asPostgres(`${quote(`${bin}/pg_ctl`)} -D ${quote(data)} -m immediate stop >/dev/null`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
