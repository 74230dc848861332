import { execFileSync } from 'node:child_process';

/** Debian's kcat (the analysts' stock Kafka tool), installed on first use; its path. */
export function ensureKcat(): string {
  const found = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  if (found()) return found();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '-qq', 'kcat'], { stdio: 'inherit', env });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    install();
  }
  const path = found();
  if (!path) throw new Error('kcat is not installed after installing it');
  return path;
}

/** The payloads of the last `perPartition` records of each partition of a topic, read with kcat. */
export function kcatTail(brokers: readonly string[], topic: string, perPartition: number): string[] {
  const out = execFileSync(
    ensureKcat(),
    ['-b', brokers.join(','), '-t', topic, '-C', '-o', `-${perPartition}`, '-e', '-q', '-f', '%k\t%s\n'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
  );
  return out.split('\n').filter((line) => line.length > 0);
}
