export interface PollingLoopSettings {
  /** Pause after a round that found less than a full batch. */
  readonly pollIntervalMs: number;
  /** A round that handled this many goes again at once: there is probably more. */
  readonly fullBatch: number;
  /** Cap of the exponential backoff after failed rounds (from 200 ms). */
  readonly maxBackoffMs?: number;
}

/**
 * Runs `round` over and over: at once after a full batch, after `pollIntervalMs` otherwise, with
 * capped exponential backoff after failures (reported to `onFailure`, e.g. to reconnect).
 * `wake()` cuts a pause short (a NOTIFY arrived); `stop()` ends the loop after the current round.
 */
export class PollingLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private failures = 0;

  constructor(
    private readonly round: () => Promise<number>,
    private readonly settings: PollingLoopSettings,
    private readonly onFailure: (error: unknown, attempt: number, retryInMs: number) => Promise<void>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const handled = await this.round();
        this.failures = 0;
        if (handled >= this.settings.fullBatch) continue;
        await this.sleep(this.settings.pollIntervalMs);
      } catch (error) {
        this.failures += 1;
        const delay = Math.min(this.settings.maxBackoffMs ?? 5000, 100 * 2 ** Math.min(this.failures, 10));
        await this.onFailure(error, this.failures, delay);
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }
}
