/**
 * A remote that hangs, as behind a half-up VPN: a TCP server on 127.0.0.1
 * that accepts every connection and never says a word, for
 * git://127.0.0.1:PORT/... (git daemon protocol) and
 * http://127.0.0.1:PORT/... (smart http) alike. While `answering` is above
 * zero, each new connection is instead passed through to a real server (a
 * git daemon), so a test can make a clone through the very URL that hangs
 * later, or let ls-remote through and hang the fetch after it.
 *
 * And the other half of such a test: the processes a run left behind,
 * found by a marker in their environment (git passes its environment on to
 * ssh and git-remote-http), on Linux through /proc.
 */
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

export interface HungRemote {
  port: number;
  gitUrl(name: string): string;
  httpUrl(name: string): string;
  /** How many more connections go through to the real server (0: none; Infinity: all). */
  answering: number;
  /** Connections accepted and held, so far. */
  held(): number;
  stop(): Promise<void>;
}

export function startHungRemote(passTo?: { port: number }): Promise<HungRemote> {
  const sockets = new Set<net.Socket>();
  let held = 0;
  const remote = { answering: 0 } as HungRemote;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (passTo && remote.answering > 0) {
      remote.answering -= 1;
      const upstream = net.connect(passTo.port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('error', () => socket.destroy());
      upstream.on('close', () => sockets.delete(upstream));
      socket.pipe(upstream).pipe(socket);
      return;
    }
    held += 1; // and never a byte back
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      Object.assign(remote, {
        port,
        gitUrl: (name: string) => `git://127.0.0.1:${port}/${name}`,
        httpUrl: (name: string) => `http://127.0.0.1:${port}/${name}`,
        held: () => held,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
      resolve(remote);
    });
  });
}

export const CAN_SCAN_PROCESSES = process.platform === 'linux';

/** Live processes whose environment holds `marker` (ROBO_TEST_MARKER=...), with their command lines. */
export function processesMarked(marker: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      // A zombie's environment reads empty: only processes still running match.
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`ROBO_TEST_MARKER=${marker}`)) continue;
      found.push({
        pid: Number(name),
        command: readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim(),
      });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

/** Polls `check` every 50 ms until it returns true, at most `attempts` times; returns its last answer. */
export async function eventually(check: () => boolean, attempts = 60): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}
