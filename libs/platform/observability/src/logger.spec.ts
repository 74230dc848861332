import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes JSON with service and version', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'identity', version: '1.2.3', destination }).info({ userId: 'u1' }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      service: 'identity',
      version: '1.2.3',
      level: 'info',
      msg: 'hello',
      userId: 'u1',
    });
  });

  it('redacts secrets, codes and contact data at any of the first levels (SECURITY.md 30)', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test', destination });
    logger.info(
      {
        password: 'hunter2-password',
        code: '492817',
        phoneNumber: '+447911123456',
        request: { email: 'ann@example.org', headers: { authorization: 'Bearer tok-abc' }, otp: '112233' },
        nested: { deeper: { secret: 'seed-JBSWY3DP' } },
      },
      'attempt',
    );
    const text = lines.join('');
    for (const leaked of [
      'hunter2-password',
      '492817',
      '+447911123456',
      'ann@example.org',
      'tok-abc',
      '112233',
      'seed-JBSWY3DP',
    ]) {
      expect(text).not.toContain(leaked);
    }
    expect(text).toContain('[REDACTED]');
  });

  it('redacts the parameters and failing row of a database error', () => {
    const { lines, destination } = capture();
    const failure = Object.assign(new Error('duplicate key value violates unique constraint'), {
      query: 'INSERT INTO password_credentials (user_id, hash) VALUES ($1, $2)',
      parameters: ['u-1', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'],
      driverError: { detail: 'Failing row contains (u-1, $argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA).' },
    });
    createLogger({ service: 'test', destination }).error({ err: failure }, 'internal error');
    const text = lines.join('');
    expect(text).not.toContain('$argon2id$');
    expect(text).toContain('duplicate key value');
  });
});
