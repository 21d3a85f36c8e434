/**
 * Canonical JSON: one exact text for one value, so a signature or a hash over it can be
 * recomputed by anyone who parses the JSON again.
 *
 * For the value space we use (plain objects, arrays, strings, finite numbers, booleans, null)
 * this is RFC 8785 (JSON Canonicalization Scheme, JCS):
 * - object members sorted by their names compared as UTF-16 code units (JS `<` on strings),
 *   no whitespace anywhere;
 * - arrays keep their order;
 * - numbers as ECMAScript `Number.prototype.toString` prints them (JCS §3.2.2.3), `-0` as `0`;
 *   NaN and ±Infinity are refused;
 * - strings escaped as `JSON.stringify` does: `\"`, `\\`, `\b \f \n \r \t`, other controls
 *   below U+0020 as `\u00xx` (lowercase hex), everything else literal. Lone surrogates are
 *   written as `\udxxx` escapes (JCS would refuse them; we keep the output well-formed instead).
 *
 * Two deliberate departures for convenience, both invisible in the output: an object property
 * whose value is `undefined` is dropped (as JSON.stringify does), and only plain objects
 * (prototype `Object.prototype` or `null`) are accepted, so a Date, Map or class instance
 * cannot silently serialise as `{}` or via a `toJSON` hook.
 *
 * @example canonicalJson({ b: 1, a: [true, null, 'x'] }) === '{"a":[true,null,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, new Set(), []);
  return parts.join('');
}

/** `$.a[2].b` for error messages, built only when one is thrown (it was a fifth of the time otherwise). */
const pathText = (at: readonly (string | number)[]) => `$${at.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;

/**
 * `open` holds the objects being written right now: meeting one again means a cycle. `at` is the
 * path of keys and indexes to `value`, pushed and popped as the writer descends.
 */
function write(value: unknown, out: string[], open: Set<object>, at: (string | number)[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${pathText(at)} 不是有限数值 (${String(value)})`);
      // JSON.stringify prints -0 as "0" and otherwise uses Number.prototype.toString, as JCS asks.
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: ${pathText(at)} 的类型 ${typeof value} 不能写入 JSON`);
  }

  if (open.has(value)) throw new TypeError(`canonicalJson: ${pathText(at)} 存在循环引用`);
  open.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      // An array slot cannot be dropped without shifting the rest: refuse rather than guess.
      at.push(i);
      if (item === undefined) throw new TypeError(`canonicalJson: ${pathText(at)} 是 undefined`);
      write(item, out, open, at);
      at.pop();
    }
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: ${pathText(at)} 不是普通对象`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is exactly the JCS member order.
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      at.push(key);
      write(record[key], out, open, at);
      at.pop();
    });
    out.push('}');
  }
  open.delete(value);
}
