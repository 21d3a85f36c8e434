// A workbook edited as a person's script would (openpyxl), for the tests of plans read from a 责任分解表.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_PYTHON } from '../packages/helpers';

const EDIT_SCRIPT = join(import.meta.dirname, 'openpyxl-edit.py');

/** The operations of openpyxl-edit.py (its header says what each does). */
export type Op =
  | ['set', string, string, string | number | null]
  | ['format', string, string, string]
  | ['date', string, string, string]
  | ['replace', string, string, string]
  | ['rename', string, string]
  | ['delete-row', string, string]
  | ['numfmt_id', string, string, number]
  | ['merge', string, string]
  | ['copy_sheet', string, string]
  | ['sheet_state', string, string]
  | ['hide_row', string, number]
  | ['insert_rows', string, number, number]
  | ['hide_col', string, string];

/** The workbook as openpyxl leaves it after `ops`, as a person's script would edit and save it. */
export function editWithOpenpyxl(src: string, ops: readonly Op[], out: string): string {
  const opsFile = `${out}.ops.json`;
  writeFileSync(opsFile, JSON.stringify(ops));
  execFileSync(SYSTEM_PYTHON, [EDIT_SCRIPT, src, out, opsFile], { stdio: 'inherit', timeout: 60_000 });
  return out;
}
