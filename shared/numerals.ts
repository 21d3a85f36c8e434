/**
 * Numbers written in Chinese numerals, as notices write counts (三个, 十二所, 两千人, 一百万元) and headings
 * (二十、). One reader for the plan parser's headings, targets and deadline months. Pure: no Node or DOM.
 */

const DIGITS: Readonly<Record<string, number>> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const SECTIONS: Readonly<Record<string, number>> = { 万: 10_000, 亿: 100_000_000 };

const COUNTING = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/**
 * 1…99 counted in Chinese, as headings are numbered and Word's chineseCounting lists are drawn.
 * @example chineseCounting(12) // '十二'
 * @example chineseCounting(20) // '二十'
 */
export function chineseCounting(n: number): string {
  if (n < 10) return COUNTING[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : COUNTING[tens]}十${n % 10 === 0 ? '' : COUNTING[n % 10]}`;
}

/** The characters a Chinese numeral is written with. */
export const CHINESE_NUMERAL_CHARS = '〇零一二两三四五六七八九十百千万亿';

/** A count in Chinese numerals as running text writes it: 三, 十二, 两千(万), 二十五点五, 零点五; never 千/百/万 alone (千家万户). */
export const NUMERAL_PATTERN = `(?:零点[〇零一二三四五六七八九]+|[一二两三四五六七八九十][${CHINESE_NUMERAL_CHARS}]*(?:点[〇零一二三四五六七八九]+[万亿]*)?)`;

/**
 * The value of a Chinese numeral, or null when `s` is not one: digits follow one another only where a
 * 零 stands for a missing place (一千零五), every 十/百/千 follows a digit (十 may begin: 十二).
 * @example chineseNumeral('两千') // 2000
 * @example chineseNumeral('一百万') // 1000000
 */
export function chineseNumeral(s: string): number | null {
  if (s === '') return null;
  if (s.includes('点')) return chineseDecimal(s);
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = Infinity;
  for (const ch of s) {
    const d = DIGITS[ch];
    const unit = UNITS[ch];
    const big = SECTIONS[ch];
    if (d !== undefined) {
      // 一二 is not a number (a year read digit by digit, 二〇二〇, is not a count either).
      if (digit !== null && digit !== 0) return null;
      digit = d;
    } else if (unit !== undefined) {
      if (unit >= lastUnit) return null;
      if (digit === null && !(unit === 10 && section === 0 && total === 0)) return null;
      section += (digit ?? 1) * unit;
      lastUnit = unit;
      digit = null;
    } else if (big !== undefined) {
      const part = section + (digit ?? 0);
      if (part === 0) return null;
      total = (total + part) * big;
      section = 0;
      digit = null;
      lastUnit = Infinity;
    } else {
      return null;
    }
  }
  return total + section + (digit ?? 0);
}

/**
 * 二十五点五, 一点二万, 零点五: 点 is the decimal point, the digits after it read one by one, 万/亿 scaling the
 * whole. Null for anything else (二十五点 with no digit after it, 十点十).
 */
function chineseDecimal(s: string): number | null {
  const m = /^(.+?)点([〇零一二三四五六七八九]+)([万亿]*)$/.exec(s);
  if (!m) return null;
  const whole = chineseNumeral(m[1]!);
  if (whole === null || /[万亿]/.test(m[1]!)) return null;
  const fraction = Number(`0.${[...m[2]!].map((d) => DIGITS[d]!).join('')}`);
  const scale = [...m[3]!].reduce((n, c) => n * SECTIONS[c]!, 1);
  // 一点二万 = 12000, not 12000.000000000002.
  return Number(((whole + fraction) * scale).toPrecision(12));
}

/**
 * "1.100": a dot followed by exactly three digits, after one to three digits that do not start with 0, is
 * how half of Europe writes one thousand one hundred, and how a decimal with its zeros kept reads too. No
 * reader can tell which was meant, so both are returned for the clerk to choose; null for any other text.
 * @example dotGroupedReadings('1.100') // { thousands: 1100, decimal: 1.1 }
 */
export function dotGroupedReadings(printed: string): { readonly thousands: number; readonly decimal: number } | null {
  const m = /^([1-9]\d{0,2})\.(\d{3})$/.exec(printed);
  return m ? { thousands: Number(m[1]! + m[2]!), decimal: Number(printed) } : null;
}
