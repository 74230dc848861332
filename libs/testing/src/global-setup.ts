import { ensureTestInfrastructure } from './infrastructure';

/** Jest global setup of the integration tier: see ensureTestInfrastructure. */
export default async function globalSetup(): Promise<void> {
  await ensureTestInfrastructure((m) => process.stderr.write(`[integration setup] ${m}\n`));
}
