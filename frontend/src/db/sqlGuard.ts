// Read-only guard for the /analytics editor. The engine is the real boundary (read-only attach,
// enable_external_access=false, locked configuration); this guard gives a clear message before the
// engine sees a statement it would refuse, and blocks what the engine would allow but we do not want
// (a second ATTACH, the query() table function, reading a file by its name).

export type GuardResult = { ok: true; sql: string } | { ok: false; reason: string };

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted-identifier'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'symbol'; text: string };

const ALLOWED_FIRST_WORDS = new Set(['select', 'with', 'from', 'values', 'table', 'describe', 'summarize', 'show']);

const FORBIDDEN_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'upsert', 'truncate',
  'create', 'drop', 'alter', 'rename', 'replace_table', 'comment',
  'attach', 'detach', 'use', 'copy', 'export', 'import',
  'install', 'load', 'force', 'pragma', 'set', 'reset', 'call',
  'checkpoint', 'vacuum', 'analyze', 'begin', 'commit', 'rollback', 'transaction',
  'grant', 'revoke', 'prepare', 'execute', 'deallocate',
]);

// Table functions that read files or the network, or run SQL given as a string.
const FORBIDDEN_FUNCTION_PATTERN =
  /^(read_\w+|parquet_\w+|sniff_csv|glob|http\w*|s3\w*|iceberg_\w+|delta_\w+|json_execute_serialized_sql|query|query_table|sqlite_\w+|postgres_\w+|mysql_\w+|load_\w+|duckdb_secrets|which_secret)$/;

export const DEFAULT_ROW_LIMIT = 1000;

/** Split SQL into tokens, dropping whitespace and comments; throws on an unterminated string. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < sql.length) {
    const character = sql[position];
    const next = sql[position + 1];
    if (/\s/.test(character)) {
      position += 1;
    } else if (character === '-' && next === '-') {
      const end = sql.indexOf('\n', position);
      position = end === -1 ? sql.length : end + 1;
    } else if (character === '/' && next === '*') {
      const end = sql.indexOf('*/', position + 2);
      if (end === -1) throw new Error('unterminated /* comment');
      position = end + 2;
    } else if (character === "'" || character === '"') {
      let end = position + 1;
      let text = '';
      for (;;) {
        if (end >= sql.length) throw new Error(`unterminated ${character === "'" ? 'string' : 'quoted identifier'}`);
        if (sql[end] === character) {
          if (sql[end + 1] === character) {
            text += character;
            end += 2;
            continue;
          }
          break;
        }
        text += sql[end];
        end += 1;
      }
      tokens.push({ kind: character === "'" ? 'string' : 'quoted-identifier', text });
      position = end + 1;
    } else if (character === '$') {
      const tag = sql.slice(position).match(/^\$(\w*)\$/);
      if (!tag) {
        tokens.push({ kind: 'symbol', text: character });
        position += 1;
        continue;
      }
      const end = sql.indexOf(tag[0], position + tag[0].length);
      if (end === -1) throw new Error('unterminated dollar-quoted string');
      tokens.push({ kind: 'string', text: sql.slice(position + tag[0].length, end) });
      position = end + tag[0].length;
    } else if (/[A-Za-z_]/.test(character)) {
      const word = sql.slice(position).match(/^[A-Za-z_][A-Za-z0-9_$]*/)![0];
      tokens.push({ kind: 'word', text: word.toLowerCase() });
      position += word.length;
    } else {
      tokens.push({ kind: 'symbol', text: character });
      position += 1;
    }
  }
  return tokens;
}

/**
 * Check that `sql` is one read-only statement. On success returns it without a trailing semicolon,
 * ready to be wrapped in a row limit.
 */
export function guardSql(sql: string): GuardResult {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    return { ok: false, reason: `Could not read the query: ${(error as Error).message}.` };
  }
  while (tokens.length && tokens[tokens.length - 1].kind === 'symbol' && tokens[tokens.length - 1].text === ';') {
    tokens.pop();
  }
  if (!tokens.length) return { ok: false, reason: 'The query is empty.' };
  if (tokens.some((token) => token.kind === 'symbol' && token.text === ';')) {
    return { ok: false, reason: 'Only one statement can run at a time: remove the extra ";".' };
  }
  const first = tokens[0];
  if (first.kind !== 'word' || !ALLOWED_FIRST_WORDS.has(first.text)) {
    const shown = first.kind === 'word' ? first.text.toUpperCase() : first.text;
    return {
      ok: false,
      reason: `Read-only: only SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE, SUMMARIZE and SHOW queries are allowed, not ${shown}.`,
    };
  }
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const following = tokens[index + 1];
    const previous = tokens[index - 1];
    const isName = token.kind === 'word' || token.kind === 'quoted-identifier';
    if (token.kind === 'word' && FORBIDDEN_WORDS.has(token.text)) {
      // `set` and `load` are only statements at the start; as a column alias or name they must be quoted,
      // so rejecting the bare word everywhere is simple and safe.
      return { ok: false, reason: `Read-only: ${token.text.toUpperCase()} is not allowed in the analytics editor.` };
    }
    if (isName && following?.kind === 'symbol' && following.text === '(' && FORBIDDEN_FUNCTION_PATTERN.test(token.text.toLowerCase())) {
      return {
        ok: false,
        reason: `The function ${token.text}() reads files, the network or other SQL and is not allowed; query the tables listed in the schema browser.`,
      };
    }
    if (
      token.kind === 'string' &&
      previous?.kind === 'word' &&
      (previous.text === 'from' || previous.text === 'join')
    ) {
      return { ok: false, reason: `Reading the file '${token.text}' is not allowed; query the tables listed in the schema browser.` };
    }
    if (token.kind === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(token.text)) {
      return { ok: false, reason: 'URLs are not allowed in queries: the site works offline.' };
    }
  }
  const withoutTrailingSemicolons = sql.replace(/[\s;]+$/, '');
  return { ok: true, sql: withoutTrailingSemicolons };
}
