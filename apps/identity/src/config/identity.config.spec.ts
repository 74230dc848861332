import { ConfigError } from '@portcullis/config';
import { loadIdentityConfig } from './identity.config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092',
};
const key = 'b0rqV7gq3c4cYkq1o0-9m2hQkQYzW3m6gWm1t0aQe2E';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadIdentityConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe('identity settings', () => {
  it('defaults the password throttle to 10 failures per 15 minutes', () => {
    const config = loadIdentityConfig({ ...base, IDENTITY_HASH_KEY: key });
    expect(config).toMatchObject({ PASSWORD_MAX_FAILURES: 10, PASSWORD_FAILURE_WINDOW_SECONDS: 900 });
  });

  it.each([
    ['missing', {}, 'IDENTITY_HASH_KEY: is required'],
    ['too short', { IDENTITY_HASH_KEY: 'short-key' }, 'IDENTITY_HASH_KEY: must be at least 32 characters'],
    [
      'an example value',
      { IDENTITY_HASH_KEY: 'x'.repeat(40) },
      'IDENTITY_HASH_KEY: is left at an example value',
    ],
  ])(
    'refuses to start with IDENTITY_HASH_KEY %s, naming it but not its value (SECURITY.md 28)',
    (_n, env, problem) => {
      const found = problems({ ...base, ...env });
      expect(found).toContain(problem);
      expect(found.join('\n')).not.toContain('short-key');
    },
  );

  it('keeps the failure limit within NIST’s ceiling of 100', () => {
    expect(problems({ ...base, IDENTITY_HASH_KEY: key, PASSWORD_MAX_FAILURES: '101' })).toEqual([
      expect.stringMatching(/^PASSWORD_MAX_FAILURES: /),
    ]);
    expect(problems({ ...base, IDENTITY_HASH_KEY: key, PASSWORD_FAILURE_WINDOW_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^PASSWORD_FAILURE_WINDOW_SECONDS: /),
    ]);
  });
});
