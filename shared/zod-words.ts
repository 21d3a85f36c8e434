/**
 * What a zod issue means, in Chinese: a clerk reads these (a file of figures, a package's manifest), and
 * zod's own messages are English. A custom check's message is already ours and is kept.
 * @example issueWords({ code: 'too_small', path: ['revision'], message: 'Too small', minimum: 1, origin: 'number' }) // 'revision 太小(至少为 1)'
 */
export interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function issueWords(issue: IssueLike, path: readonly PropertyKey[] = issue.path): string {
  const where = path.length > 0 ? `${path.map(String).join('.')} ` : '';
  return `${where}${what(issue)}`;
}

function what(issue: IssueLike): string {
  // The fields beside code differ by code (minimum, maximum, expected, keys, origin).
  const i = issue as IssueLike & Readonly<Record<string, unknown>>;
  const text = i.origin === 'string' || i.origin === 'array';
  switch (i.code) {
    case 'invalid_type': return `应为${Object.hasOwn(TYPE_WORDS, String(i.expected)) ? TYPE_WORDS[String(i.expected)] : String(i.expected)}`;
    case 'too_small': return text ? `太短(至少 ${String(i.minimum)} ${i.origin === 'array' ? '项' : '个字'})` : `太小(至少为 ${String(i.minimum)})`;
    case 'too_big': return text ? `太长(最多 ${String(i.maximum)} ${i.origin === 'array' ? '项' : '个字'})` : `太大(最多为 ${String(i.maximum)})`;
    case 'invalid_format': return '格式不对';
    case 'not_multiple_of': return '不是允许的数值';
    case 'unrecognized_keys': return `有不认识的字段 ${(i.keys as string[] | undefined)?.join('、') ?? ''}`.trim();
    case 'invalid_value': return '不是允许的值';
    case 'invalid_union': return '不符合任何一种允许的写法';
    case 'invalid_key': case 'invalid_element': return '其中有不允许的内容';
    case 'custom': return /[\u4e00-\u9fff]/.test(i.message) ? i.message : '不符合要求';
    default: return '不符合要求';
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: '数字', string: '文字', boolean: '是或否', object: '一组字段', array: '列表', int: '整数', null: '空',
  nan: '数字', bigint: '整数', date: '日期',
};
