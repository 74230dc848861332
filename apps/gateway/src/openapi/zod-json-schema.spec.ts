import { z } from 'zod';
import { verifyAuthenticationSchema } from '../api/flow.schemas';
import { zodInputSchema } from './zod-json-schema';

describe('zodInputSchema', () => {
  it('describes what the schema accepts as input, not what it produces', () => {
    const schema = z.object({
      count: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).optional()),
      name: z
        .string()
        .max(10)
        .transform((s) => s.length),
    });
    expect(zodInputSchema(schema)).toEqual({
      type: 'object',
      properties: {
        count: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        name: { type: 'string', maxLength: 10 },
      },
      required: ['name'],
    });
  });

  it('makes a property optional when a preprocess step supplies its default', () => {
    const schema = verifyAuthenticationSchema.http;
    // Without the adjustment zod lists rememberDevice as required: it cannot see the default.
    expect(z.toJSONSchema(schema, { io: 'input' }).required).toContain('rememberDevice');
    expect(zodInputSchema(schema)['required']).toEqual(['tenantId', 'authenticationId', 'challengeId']);
    expect(verifyAuthenticationSchema.http.safeParse({}).success).toBe(false);
  });

  it('uses the hand-written schema of a field zod cannot represent, and never throws', () => {
    const schema = z.object({
      at: z.date(),
      id: z.custom<string>((v) => typeof v === 'string'),
      nested: z.object({ big: z.bigint() }),
    });
    expect(() => z.toJSONSchema(schema)).toThrow();
    const converted = zodInputSchema(schema, { at: { type: 'string', format: 'date-time' } });
    expect(converted['properties']).toEqual({
      at: { type: 'string', format: 'date-time' },
      id: { description: expect.stringContaining('Not described') },
      nested: {
        type: 'object',
        properties: { big: { description: expect.stringContaining('Not described') } },
        required: ['big'],
      },
    });
  });

  it('falls back to a permissive schema when the whole conversion fails', () => {
    type Tree = { children: Tree[] };
    const tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(tree) }));
    expect(zodInputSchema(tree)).toEqual({ description: expect.stringContaining('Not described') });
    expect(zodInputSchema(tree, { '': { type: 'object' } })).toEqual({ type: 'object' });
  });
});
