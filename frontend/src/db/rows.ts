// Plain-JavaScript rows from Arrow results, shared by the browser engine and the Node test harness.

export type Value = string | number | boolean | null | Value[];
export type Row = Record<string, Value>;

/** Convert one Arrow cell to plain JavaScript: BigInt to number, Arrow vectors to arrays. */
export function normalizeValue(value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (typeof value === 'object') {
    const maybeVector = value as { toArray?: () => ArrayLike<unknown> };
    if (typeof maybeVector.toArray === 'function') return Array.from(maybeVector.toArray(), normalizeValue);
    // HUGEINT and DECIMAL cells are Arrow wrappers whose primitive value is a number or bigint.
    const primitive = (value as { valueOf(): unknown }).valueOf();
    if (primitive !== value) return normalizeValue(primitive);
    return String(value);
  }
  return String(value);
}

export function normalizeRows(arrowRows: Iterable<unknown>): Row[] {
  const rows: Row[] = [];
  for (const arrowRow of arrowRows) {
    const json = (arrowRow as { toJSON(): Record<string, unknown> }).toJSON();
    const row: Row = {};
    for (const [key, value] of Object.entries(json)) row[key] = normalizeValue(value);
    rows.push(row);
  }
  return rows;
}

/**
 * Statements run once after the database is attached: no files, no network, no extension downloads,
 * and a locked configuration so that no later statement (the analytics editor included) can undo them.
 */
export function lockdownStatements(): string[] {
  return [
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  ];
}
