/**
 * Failpoints for fault-injection tests (in the manner of etcd's gofail): named places in the
 * messaging code where a test can make the process die, to prove what survives a crash.
 * They are configured by the FAULT_POINTS setting, which services refuse in production.
 */
export type FaultPoint = 'relay.after-publish' | 'consumer.after-handle';

export interface FaultInjector {
  hit(point: FaultPoint): void;
}

export const NO_FAULTS: FaultInjector = { hit: () => undefined };

/** FAULT_POINTS="relay.after-publish=kill,consumer.after-handle=kill" → SIGKILL at that point. */
export function faultInjectorFrom(spec: string | undefined): FaultInjector {
  if (!spec) return NO_FAULTS;
  const armed = new Set(
    spec
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.endsWith('=kill'))
      .map((part) => part.slice(0, -'=kill'.length)),
  );
  return {
    hit(point) {
      if (armed.has(point)) process.kill(process.pid, 'SIGKILL');
    },
  };
}
