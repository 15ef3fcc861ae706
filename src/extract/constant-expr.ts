/**
 * The value of an object-like macro's body when it is an integer constant expression: numbers,
 * other such macros, parentheses and C's integer operators. A driver's counts are often macros
 * (`#define PAGES_PER_PAGE (PAGE_SIZE >> PFN_SHIFT)`), and a count the simulator does not know
 * makes every loop over it unbounded. Anything else (casts, calls, strings) has no value here.
 */

type Lookup = (name: string) => number | undefined;

/**
 * The name `ARRAY_SIZE(x->pfns)` is lowered to, as a constant: the length of the array field (or
 * global) it names, which the file's declarations give.
 */
export function arraySizeName(arrayName: string, isField: boolean): string {
  return `ARRAY_SIZE(${isField ? '->' : ''}${arrayName})`;
}

const TOKEN = /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|<<|>>|[-+*/%&|^~()])/y;
const BINARY: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

function tokens(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  const body = text.trim();
  while (TOKEN.lastIndex < body.length) {
    const match = TOKEN.exec(body);
    if (!match) return undefined;
    out.push(match[1]!);
  }
  return out;
}

function apply(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : Math.trunc(a / b);
    case '%': return b === 0 ? undefined : a % b;
    default: return undefined;
  }
}

export function evaluateConstant(text: string, lookup: Lookup): number | undefined {
  const list = tokens(text.replace(/\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b/g, '$1'));
  if (!list || list.length === 0) return undefined;
  let at = 0;
  const primary = (): number | undefined => {
    const token = list[at++];
    if (token === undefined) return undefined;
    if (token === '(') {
      const value = binary(0);
      return list[at++] === ')' ? value : undefined;
    }
    if (token === '-' || token === '+' || token === '~') {
      const value = primary();
      if (value === undefined) return undefined;
      return token === '-' ? -value : token === '~' ? ~value : value;
    }
    if (/^\d/.test(token)) return token.length > 1 && token.startsWith('0') && !/^0[xX]/.test(token) ? parseInt(token, 8) : Number(token);
    return lookup(token);
  };
  const binary = (level: number): number | undefined => {
    if (level === BINARY.length) return primary();
    let left = binary(level + 1);
    while (left !== undefined && BINARY[level]!.includes(list[at] ?? '')) {
      const op = list[at++]!;
      const right = binary(level + 1);
      left = right === undefined ? undefined : apply(op, left, right);
    }
    return left;
  };
  const value = binary(0);
  return at === list.length && value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/** Every macro of `bodies` that has a value, through each other and the kernel's own constants. */
export function macroValues(bodies: ReadonlyMap<string, string>, known: Readonly<Record<string, number>>): Map<string, number> {
  const values = new Map<string, number>();
  const resolving = new Set<string>();
  const lookup = (name: string): number | undefined => {
    if (values.has(name)) return values.get(name);
    if (known[name] !== undefined) return known[name];
    const body = bodies.get(name);
    if (body === undefined || resolving.has(name)) return undefined;
    resolving.add(name);
    const value = evaluateConstant(body, lookup);
    resolving.delete(name);
    if (value !== undefined) values.set(name, value);
    return value;
  };
  for (const name of bodies.keys()) lookup(name);
  return values;
}
