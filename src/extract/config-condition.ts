/**
 * Which side of an `#if` the simulator runs. Kernel code under review is built with its feature on,
 * so every `CONFIG_` option, `__KERNEL__` and include guard count as defined; the `#else` stubs
 * (`static inline bool f(...) { return false; }`) are the configuration nobody is reviewing.
 */
export function holdsInFullConfig(condition: string): boolean {
  const normalized = condition
    .replace(/\bdefined\s*\(\s*\w+\s*\)/g, '1')
    .replace(/\bdefined\s+\w+/g, '1')
    .replace(/\b[A-Za-z_]\w*\b/g, '1');
  return evaluate(normalized.replace(/\s+/g, ''));
}

/** A tiny evaluator for `!`, `&&`, `||`, parentheses and integers: enough for preprocessor conditions. */
function evaluate(text: string): boolean {
  let at = 0;
  const primary = (): boolean => {
    if (text[at] === '!') {
      at += 1;
      return !primary();
    }
    if (text[at] === '(') {
      at += 1;
      const value = or();
      if (text[at] === ')') at += 1;
      return value;
    }
    const digits = /^\d+/.exec(text.slice(at))?.[0] ?? '';
    at += Math.max(1, digits.length);
    return digits === '' ? true : Number(digits) !== 0;
  };
  const and = (): boolean => {
    let value = primary();
    while (text.startsWith('&&', at)) {
      at += 2;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (text.startsWith('||', at)) {
      at += 2;
      value = and() || value;
    }
    return value;
  };
  return or();
}
