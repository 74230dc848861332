import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (deploy/local/src → ../../..). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** Downloads that outlive a checkout (Kafka's jars): outside the repository. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['PORTCULLIS_CACHE_DIR'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'portcullis')
  );
}

/** Data, logs and pid files of the local stack. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['PORTCULLIS_STATE_DIR'] ?? join(REPO_ROOT, '.local');
}
