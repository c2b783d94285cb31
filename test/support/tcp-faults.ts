import net from 'node:net';

/**
 * A TCP proxy of the test's own in front of a real server (PostgreSQL, Chroma), to fail it the way a
 * network or a restart does without touching the server other tests share: `cut()` drops every connection
 * at once, `refuse(true)` turns new connections away (accepted and closed at once, as a server going down
 * or starting up does) until `refuse(false)`.
 */
export interface FaultyProxy {
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT`, for HTTP servers. */
  url: string;
  cut(): void;
  refuse(on: boolean): void;
  /**
   * Holds every connection, open and new, as a server that stopped answering does (`kill -STOP`): nothing
   * is passed either way until `hold(false)`.
   */
  hold(on: boolean): void;
  /**
   * Holds every connection (as `hold(true)`) the moment a client sends bytes containing `text` (a statement
   * of its own, e.g. the migrator's), which are not passed on: a freeze at a chosen point of a run.
   */
  holdOn(text: string): void;
  /**
   * Loses the server's answer to a statement, as a connection cut at the wrong instant does: on a connection
   * that sent bytes containing `armedBy`, the next bytes containing `text` reach the server (which acts on them,
   * a COMMIT commits), its answer never reaches the client, and the connection is cut soon after. Once.
   */
  loseAnswerTo(text: string, armedBy: string): void;
  /** Resolves once `n` connections have been turned away since the proxy started. */
  refused(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultyProxy(target: { host: string; port: number }): Promise<FaultyProxy> {
  let refusing = false;
  let holding = false;
  // Held, a pair is unpiped and paused (a pipe would resume its source on the next 'drain').
  const pairs = new Set<[net.Socket, net.Socket]>();
  const connect = ([a, b]: [net.Socket, net.Socket]) => a.pipe(b).pipe(a);
  const hold = ([a, b]: [net.Socket, net.Socket]) => {
    a.unpipe(b);
    b.unpipe(a);
    a.pause();
    b.pause();
  };
  let holdTrigger: string | null = null;
  let answerTrigger: { text: string; armedBy: string } | null = null;
  let refusedCount = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<net.Socket>();
  const holdAll = (on: boolean) => {
    if (holding === on) return;
    holding = on;
    for (const pair of pairs) (on ? hold : connect)(pair);
  };
  const server = net.createServer((client) => {
    if (refusing) {
      refusedCount++;
      for (const waiter of waiters.filter((w) => refusedCount >= w.n)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    if (holding) hold(pair);
    else connect(pair);
    // Checked where the pipe hands the client's bytes to the server, so that the chunk that trips it is dropped.
    const write = upstream.write.bind(upstream) as (chunk: Buffer) => boolean;
    let armed = false;
    upstream.write = ((chunk: Buffer) => {
      if (answerTrigger && !armed && chunk.includes(answerTrigger.armedBy)) armed = true;
      else if (answerTrigger && armed && chunk.includes(answerTrigger.text)) {
        answerTrigger = null;
        upstream.unpipe(client);
        upstream.pause();
        setTimeout(() => drop(), 300);
        return write(chunk);
      }
      if (holdTrigger === null || !chunk.includes(holdTrigger)) return write(chunk);
      holdTrigger = null;
      holdAll(true);
      return true;
    }) as typeof upstream.write;
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    refuse: (on) => {
      refusing = on;
    },
    hold: (on) => holdAll(on),
    holdOn: (text) => {
      holdTrigger = text;
    },
    loseAnswerTo: (text, armedBy) => {
      answerTrigger = { text, armedBy };
    },
    refused: (n) =>
      refusedCount >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A proxy of the test's own in front of the server at `url` (PostgreSQL, Chroma), and that URL through it. */
export async function startProxyFor(url: string): Promise<{ proxy: FaultyProxy; viaProxy: URL }> {
  const target = new URL(url);
  const proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
  const viaProxy = new URL(url);
  viaProxy.port = String(proxy.port);
  return { proxy, viaProxy };
}

/** A server that accepts connections and never answers: a stopped process (`kill -STOP`), seen from outside. */
export async function startSilentServer(): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
