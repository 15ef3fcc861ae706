import { describe, expect, it } from 'vitest';
import { extractModel } from '../../src/extract/extract-model.js';

const MODEL = 'void model_put(void)\n{\n\tshared_ptr = driver_callback;\n}\n';
const none = { globals: new Set<string>(), functions: new Set<string>() };

function storeOf(model: ReturnType<typeof extractModel>) {
  const fn = model.functions.find((f) => f.name === 'model_put')!;
  return fn.ops.find((op) => op.kind === 'store');
}

describe('extractModel', () => {
  it('lowers a model once for every scope that names the same identifiers of it', () => {
    const first = extractModel('model:test.c', MODEL, none);
    const again = extractModel('model:test.c', MODEL, { globals: new Set(['unrelated_global']), functions: new Set(['unrelated_fn']) });
    expect(again).toBe(first);
  });

  it('lowers it again when the scope gives one of its identifiers another meaning', () => {
    const plain = extractModel('model:test.c', MODEL, none);
    const withFunction = extractModel('model:test.c', MODEL, { globals: new Set(), functions: new Set(['driver_callback']) });
    expect(withFunction).not.toBe(plain);
    expect(storeOf(withFunction)).toMatchObject({ value: { k: 'name', name: 'driver_callback', scope: 'function' } });
    expect(storeOf(plain)).not.toMatchObject({ value: { scope: 'function' } });
  });
});
