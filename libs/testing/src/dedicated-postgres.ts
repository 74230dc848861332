import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresAnswers, waitFor } from '@portcullis/local-stack';
import { freePort } from './environment';

const run = promisify(execFile);

export interface DedicatedPostgres {
  /** Server URL (trust auth, user postgres) for DATABASE_URL. */
  readonly url: string;
  /** Stops the server (fast shutdown: connections are cut, open transactions roll back). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** The installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const major = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!major) throw new Error('a dedicated PostgreSQL needs an installed server (initdb, pg_ctl)');
  return join(root, major, 'bin');
}

/**
 * A PostgreSQL server of its own, for tests that stop and restart the database while services
 * use it: the shared server stays untouched for every other test. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to, and runs as, the postgres user.
 */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pg-'));
  const pgUser = userInfo().uid === 0 ? 'postgres' : undefined;
  const exec = async (program: string, args: string[]) => {
    const command = join(bin, program);
    await (pgUser ? run('runuser', ['-u', pgUser, '--', command, ...args]) : run(command, args));
  };
  if (pgUser) {
    const { stdout } = await run('id', ['-u', pgUser]);
    const { stdout: gid } = await run('id', ['-g', pgUser]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      'max_connections = 200',
      '',
    ].join('\n'),
  );
  if (pgUser) await run('chown', [pgUser, join(data, 'postgresql.auto.conf')]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    await waitFor('dedicated PostgreSQL', () => postgresAnswers(url), 30_000, 200);
  };
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    url,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
