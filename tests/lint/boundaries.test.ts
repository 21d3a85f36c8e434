import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('folder boundaries are a lint rule', () => {
  it.each([
    ['shared/ may not use Node', 'shared/x.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;`],
    ['shared/ may not reach the database', 'shared/x.ts', `import { openDatabase } from '../db/open';\nexport const x = openDatabase;`],
    ['renderer/ may not use Node', 'renderer/x.ts', `import { join } from 'path';\nexport const x = join;`],
    ['renderer/ may not import the services', 'renderer/x.ts', `import { enterReports } from '../electron/services/entry/entry';\nexport const x = enterReports;`],
    ['services may not import electron', 'electron/services/x.ts', `import { app } from 'electron';\nexport const x = app;`],
    ['db/ may not import electron', 'db/x.ts', `import { app } from 'electron';\nexport const x = app;`],
    ['migrations may not import app code', 'db/migrations/009_x.ts', `import { PLAN_2019 } from '../../seeds/plan2019';\nexport const x = PLAN_2019;`],
  ])('%s', async (_n, file, code) => {
    const errors = await errorsFor(file, code);
    expect(errors.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('allows what each folder may do', async () => {
    expect(await errorsFor('shared/x.ts', `import type { PlanDef } from './domain';\nexport type X = PlanDef;`)).toEqual([]);
    expect(await errorsFor('electron/services/x.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;`)).toEqual([]);
  });
});
