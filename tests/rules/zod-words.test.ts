/** zod's messages are English; a clerk reads these ones (a file of figures, a package's manifest) in Chinese. */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { issueWords } from '../../shared/zod-words';

describe('what a clerk reads about a malformed file is Chinese', () => {
  it('zod issues in words: types, sizes, formats, unknown fields', () => {
    const words = (schema: z.ZodType, v: unknown) => {
      const r = schema.safeParse(v);
      return r.success ? '' : issueWords(r.error.issues[0]!);
    };
    expect(words(z.object({ task: z.number() }), { task: 'x' })).toBe('task 应为数字');
    expect(words(z.object({ revision: z.number().min(1) }), { revision: 0 })).toBe('revision 太小(至少为 1)');
    expect(words(z.object({ name: z.string().max(3) }), { name: 'abcd' })).toBe('name 太长(最多 3 个字)');
    expect(words(z.object({ id: z.string().regex(/^\d+$/) }), { id: 'a' })).toBe('id 格式不对');
    expect(words(z.strictObject({ a: z.number() }), { a: 1, b: 2 })).toBe('有不认识的字段 b');
    for (const s of [words(z.object({ task: z.number() }), { task: 'x' }), words(z.enum(['a']), 'b')]) expect(s).not.toMatch(/[A-Z][a-z]+ /);
  });
});
