import type { OnApplicationShutdown, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from './logger.provider';

/** One dependency a service cannot do its work without: its database, the Kafka cluster. */
export interface ReadinessCheck {
  /** What logs name when it fails, e.g. `postgresql`, `kafka`: a word, never an address. */
  readonly name: string;
  /** Resolves when the dependency answers; rejects, or never settles, when it does not. */
  probe(): Promise<unknown>;
}

export interface ReadinessSettings {
  /** READINESS_CHECK_INTERVAL_MS: pause between two rounds of checks. */
  readonly intervalMs: number;
  /** READINESS_CHECK_TIMEOUT_MS: a check that has not answered by then has failed. */
  readonly timeoutMs: number;
}

/** `scheme://user:password@host` → `scheme://***@host`: a driver's message may quote its URL. */
const CREDENTIALS_IN_URL = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

function reasonOf(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `failed: ${String(error).slice(0, 100)}`;
  return text.replace(CREDENTIALS_IN_URL, '$1***@').slice(0, 300);
}

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);

/**
 * Whether the service can do its work now: every registered check answered in the last round,
 * and it is not draining. Rounds run every `intervalMs` once started; readiness returns by itself
 * when a dependency does. Liveness is not decided here: a dependency outage is no reason to
 * restart a process (see GrpcHealth).
 *
 * Checks register themselves from the providers of what they check (persistenceProviders,
 * kafkaProviders), so an app gets the checks of exactly the dependencies it has.
 */
export class Readiness implements OnApplicationShutdown {
  private readonly checks: ReadinessCheck[] = [];
  /** A probe that outlived its round is awaited again next round, never started twice. */
  private readonly inFlight = new Map<ReadinessCheck, Promise<void>>();
  private readonly listeners: ((ready: boolean) => void)[] = [];
  /** Names of the checks that failed in the last round; undefined before the first round. */
  private failing: readonly string[] | undefined;
  private draining = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ReadinessSettings,
    private readonly logger: Logger,
  ) {}

  add<C extends ReadinessCheck>(check: C): C {
    this.checks.push(check);
    return check;
  }

  get ready(): boolean {
    return !this.draining && this.failing !== undefined && this.failing.length === 0;
  }

  /** The checks that failed in the last round. */
  get failingChecks(): readonly string[] {
    return this.failing ?? [];
  }

  /** Called with the new value each time `ready` changes. */
  onChange(listener: (ready: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Runs a first round (resolving after it), then a round every `intervalMs`. */
  async start(): Promise<void> {
    if (this.draining || !this.stopped) return;
    this.stopped = false;
    await this.check();
    this.schedule();
  }

  /** Not ready from now on, whatever the checks say (SIGTERM): traffic leaves before the process. */
  drain(): void {
    const was = this.ready;
    this.draining = true;
    this.stop();
    if (was) this.notify();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** One round: every check at once, each bounded by the timeout. Resolves with `ready`. */
  async check(): Promise<boolean> {
    if (this.draining) return false;
    const results = await Promise.all(
      this.checks.map(async (check) => ({ name: check.name, reason: await this.run(check) })),
    );
    if (this.draining) return false;
    const was = this.ready;
    const previous = this.failing;
    const failures = results.filter((r) => r.reason !== undefined);
    this.failing = failures.map((f) => f.name);
    // Once per change of what fails, not every round.
    if (previous === undefined || !sameNames(previous, this.failing)) {
      if (failures.length > 0) {
        this.logger.warn(
          {
            failing: this.failing,
            reasons: Object.fromEntries(failures.map((f) => [f.name, f.reason])),
          },
          `not ready: ${this.failing.join(', ')} not answering`,
        );
      } else if (previous !== undefined) {
        this.logger.info({ recovered: previous }, 'ready again');
      }
    }
    if (this.ready !== was) this.notify();
    return this.ready;
  }

  /** undefined when the check answered in time, else why not. */
  private async run(check: ReadinessCheck): Promise<string | undefined> {
    let probe = this.inFlight.get(check);
    if (!probe) {
      const started = Promise.resolve()
        .then(() => check.probe())
        .then(() => undefined);
      const settled = () => void this.inFlight.delete(check);
      started.then(settled, settled);
      this.inFlight.set(check, started);
      probe = started;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`no answer within ${this.settings.timeoutMs} ms`),
        this.settings.timeoutMs,
      );
    });
    try {
      return await Promise.race([probe.then(() => undefined, reasonOf), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check().then(() => this.schedule());
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.ready);
  }
}

/** The service's Readiness, which the checks of its dependencies join and its host starts. */
export function readinessProvider(settings: ReadinessSettings): Provider {
  return {
    provide: Readiness,
    useFactory: (logger: Logger) => new Readiness(settings, logger.child({ component: 'readiness' })),
    inject: [LOGGER],
  };
}
