// Integration and e2e tests start processes and wait for Kafka: generous per-test and hook budget
// (a ceiling, not a speed target; speed lives in the benchmarks).
jest.setTimeout(120_000);
