import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, spawnServer, stopProcess, waitFor } from './child-processes.ts';
import { findBinary, postgresBinDirs } from './find-binary.ts';
import { freePort } from './free-port.ts';

const install = 'sudo apt-get install -y postgresql';

export interface PostgresServer {
  /** Superuser connection string for the `postgres` database. */
  url: string;
  host: string;
  port: number;
  /** The first server process's; a restart starts another. */
  pid: number;
  dataDir: string;
  /** Connection string for another database on the same server. */
  urlFor(database: string, user?: string, password?: string): string;
  /** A fast shutdown (clients disconnected), then a start on the same port and data: a restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** initdb refuses to run as root, so as root the server runs as Debian's `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`Running as root needs the "postgres" system user. Install it with:\n\n    ${install}\n`);
  }
}

/** Starts a throw-away PostgreSQL server from the Postgres binaries, in a temp dir, on a free port. */
export async function startPostgres(): Promise<PostgresServer> {
  const binDirs = postgresBinDirs();
  const initdb = findBinary('initdb', { install, extraDirs: binDirs });
  const postgres = findBinary('postgres', { install, extraDirs: binDirs });
  const user = serverUser();
  const temp = makeTempDir('authscale-pg-');
  const root = temp.path;
  const dataDir = join(root, 'data');
  if (user) chownSync(root, user.uid, user.gid);

  await run(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'], {
    ...user,
  });
  const port = await freePort();
  const pgIsReady = findBinary('pg_isready', { install, extraDirs: binDirs });
  const launch = async () => {
    const child = spawnServer(
      postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${root}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { ...user },
    );
    let log = '';
    child.stderr?.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited early:\n${log}`);
        await run(pgIsReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres']);
        return true;
      },
      { what: 'postgres to accept connections' },
    );
    return child;
  };
  let child = await launch();

  const urlFor = (database: string, name = 'postgres', password?: string) =>
    `postgres://${encodeURIComponent(name)}${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    host: '127.0.0.1',
    port,
    pid: child.pid ?? -1,
    dataDir,
    urlFor,
    async restart() {
      await stopProcess(child, 'SIGINT');
      child = await launch();
    },
    async stop() {
      // SIGINT is Postgres' "fast" shutdown: disconnect clients, then exit cleanly.
      await stopProcess(child, 'SIGINT');
      temp.remove();
    },
  };
}
