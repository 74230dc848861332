import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { Readiness, type ReadinessCheck } from './readiness';

/** A dependency the test turns up, down, or unresponsive (a probe that never settles). */
class FakeDependency implements ReadinessCheck {
  state: 'up' | 'down' | 'hanging' = 'up';
  probes = 0;
  constructor(readonly name: string) {}
  probe(): Promise<void> {
    this.probes += 1;
    if (this.state === 'hanging') return new Promise(() => undefined);
    if (this.state === 'down')
      return Promise.reject(new Error('connect ECONNREFUSED via postgres://svc:hunter2@db.internal:5432/x'));
    return Promise.resolve();
  }
}

function setUp(settings = { intervalMs: 60_000, timeoutMs: 200 }) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const readiness = new Readiness(settings, createLogger({ service: 'test', destination }));
  const database = readiness.add(new FakeDependency('postgresql'));
  const kafka = readiness.add(new FakeDependency('kafka'));
  const changes: boolean[] = [];
  readiness.onChange((ready) => changes.push(ready));
  return { readiness, database, kafka, changes, lines };
}

/** Polls a condition a bounded number of times (the periodic rounds run on real timers). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Readiness', () => {
  it('is not ready before the first round, ready once every dependency answered', async () => {
    const { readiness, changes } = setUp();
    expect(readiness.ready).toBe(false);
    expect(await readiness.check()).toBe(true);
    expect(readiness.ready).toBe(true);
    expect(changes).toEqual([true]);
  });

  it('one failing dependency makes it not ready, naming the dependency once and no credentials', async () => {
    const { readiness, kafka, changes, lines } = setUp();
    await readiness.check();
    kafka.state = 'down';
    expect(await readiness.check()).toBe(false);
    expect(await readiness.check()).toBe(false);
    expect(await readiness.check()).toBe(false);
    expect(readiness.failingChecks).toEqual(['kafka']);
    expect(changes).toEqual([true, false]);
    const warnings = lines.filter((l) => l['level'] === 'warn');
    expect(warnings).toHaveLength(1); // a transition, not every round
    expect(warnings[0]).toMatchObject({ failing: ['kafka'] });
    expect(JSON.stringify(warnings[0])).toContain('ECONNREFUSED');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('comes back by itself when the dependency does', async () => {
    const { readiness, database, changes, lines } = setUp({ intervalMs: 10, timeoutMs: 200 });
    database.state = 'down';
    await readiness.start();
    expect(readiness.ready).toBe(false);
    database.state = 'up';
    await until(() => readiness.ready);
    expect(changes).toEqual([true]);
    expect(lines.find((l) => l['msg'] === 'ready again')).toMatchObject({ recovered: ['postgresql'] });
    readiness.stop();
  });

  it('a check that hangs fails at the timeout, and is not started again while it hangs', async () => {
    const { readiness, database } = setUp({ intervalMs: 60_000, timeoutMs: 50 });
    database.state = 'hanging';
    const started = Date.now();
    expect(await readiness.check()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readiness.failingChecks).toEqual(['postgresql']);
    expect(await readiness.check()).toBe(false);
    expect(database.probes).toBe(1);
  });

  it('draining overrides the checks: not ready at once, and stays so', async () => {
    const { readiness, database, kafka, changes } = setUp({ intervalMs: 10, timeoutMs: 200 });
    await readiness.start();
    expect(readiness.ready).toBe(true);
    readiness.drain();
    expect(readiness.ready).toBe(false);
    expect(changes).toEqual([true, false]);
    const probes = database.probes + kafka.probes;
    expect(await readiness.check()).toBe(false);
    // no more rounds once draining
    expect(database.probes + kafka.probes).toBe(probes);
    await readiness.start();
    expect(readiness.ready).toBe(false);
  });
});
