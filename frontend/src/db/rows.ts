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

/** Arrow's type ids (apache-arrow's Type enum) of the temporal columns shown as text. */
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;

/** Arrow's DateUnit.DAY: a plain date. castTimestampToDate turns TIMESTAMP into DateUnit.MILLISECOND. */
const DATE_UNIT_DAY = 0;
const TEMPORAL_TIMESTAMP = -1;

interface ArrowSchemaLike {
  fields: { name: string; type: { typeId: number; unit?: number } }[];
}

/** Epoch milliseconds (how Arrow hands out DATE and TIMESTAMP cells) as ISO text. */
function temporalText(value: unknown, typeId: number): Value {
  if (value === null || value === undefined) return null;
  const milliseconds = value instanceof Date ? value.getTime() : Number(value);
  if (!Number.isFinite(milliseconds)) return normalizeValue(value);
  const iso = new Date(milliseconds).toISOString();
  if (typeId !== TEMPORAL_TIMESTAMP) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? iso.slice(0, 19).replace('T', ' ') : iso.slice(0, 23).replace('T', ' ');
}

export function normalizeRows(arrowRows: Iterable<unknown>, schema?: ArrowSchemaLike): Row[] {
  const temporal = new Map<string, number>();
  for (const field of schema?.fields ?? []) {
    if (field.type.typeId === ARROW_DATE && field.type.unit === DATE_UNIT_DAY) temporal.set(field.name, ARROW_DATE);
    else if (field.type.typeId === ARROW_DATE || field.type.typeId === ARROW_TIMESTAMP) temporal.set(field.name, TEMPORAL_TIMESTAMP);
  }
  const rows: Row[] = [];
  for (const arrowRow of arrowRows) {
    const json = (arrowRow as { toJSON(): Record<string, unknown> }).toJSON();
    const row: Row = {};
    for (const [key, value] of Object.entries(json)) {
      const typeId = temporal.get(key);
      row[key] = typeId === undefined ? normalizeValue(value) : temporalText(value, typeId);
    }
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
