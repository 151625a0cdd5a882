import { describe, expect, it } from 'vitest';
import { guardSql, tokenize } from '../src/db/sqlGuard';

function rejected(sql: string): string {
  const result = guardSql(sql);
  if (result.ok) throw new Error(`expected a rejection for: ${sql}`);
  return result.reason;
}

describe('guardSql accepts read-only queries', () => {
  it.each([
    'select 1',
    'SELECT title FROM films_complete WHERE studio_id = \'pixar\'',
    'with top as (select * from films_complete) select count(*) from top',
    'from films_complete select title',
    'values (1, 2)',
    'describe films_complete',
    "select 'drop table x; delete' as harmless_text",
    'select "set" from (select 1 as "set")',
    '-- a comment with delete\nselect 1',
    '/* attach */ select 1;',
    'select 1;;  ',
    "select replace(title, 'a', 'b') from films_complete",
  ])('%s', (sql) => {
    const result = guardSql(sql);
    expect(result.ok).toBe(true);
  });

  it('strips trailing semicolons', () => {
    expect(guardSql('select 1 ;\n')).toEqual({ ok: true, sql: 'select 1' });
  });
});

describe('guardSql rejects', () => {
  it.each([
    ['drop table films_complete', /DROP/],
    ['delete from films_complete', /DELETE/],
    ['insert into films_complete values (1)', /INSERT/],
    ['update films_complete set title = 1', /UPDATE/],
    ['create table t as select 1', /CREATE/],
    ["attach 'x.duckdb' as x", /ATTACH/],
    ['detach hyperion', /DETACH/],
    ["copy films_complete to 'out.csv'", /COPY/],
    ["export database 'folder'", /EXPORT/],
    ['install httpfs', /INSTALL/],
    ['load httpfs', /LOAD/],
    ['pragma database_list', /PRAGMA/],
    ['set enable_external_access = true', /SET/],
    ['reset lock_configuration', /RESET/],
    ['call pragma_version()', /CALL/],
    ['use memory', /USE/],
    ['checkpoint', /CHECKPOINT/],
    ['with x as (select 1) insert into t select * from x', /INSERT/],
  ])('statement %s', (sql, pattern) => {
    expect(rejected(sql)).toMatch(pattern);
  });

  it.each([
    "select * from read_csv('/etc/passwd')",
    "select * from read_csv_auto('data.csv')",
    "select * from read_parquet('https://example.com/x.parquet')",
    "select * from parquet_scan('x.parquet')",
    "select * from read_json('x.json')",
    "select * from read_text('x')",
    "select * from glob('*')",
    "select * from query('select 1')",
    "select * from query_table('films_complete')",
    "select * from \"read_csv\"('x.csv')",
    "select * from READ_BLOB('x')",
  ])('file, network and SQL-string functions: %s', (sql) => {
    expect(rejected(sql)).toMatch(/not allowed/);
  });

  it('reading a file by name', () => {
    expect(rejected("select * from 'films.parquet'")).toMatch(/file/);
    expect(rejected("select * from films_complete join 'other.csv' using (film_id)")).toMatch(/file/);
  });

  it('URLs', () => {
    expect(rejected("select 'https://example.com' as u")).toMatch(/URL/);
  });

  it('several statements', () => {
    expect(rejected('select 1; select 2')).toMatch(/one statement/);
    expect(rejected('select 1; drop table films_complete')).toMatch(/one statement/);
  });

  it('empty input and unterminated text', () => {
    expect(rejected('  -- nothing\n ')).toMatch(/empty/);
    expect(rejected("select 'open")).toMatch(/unterminated string/);
    expect(rejected('select 1 /* open')).toMatch(/unterminated/);
  });
});

describe('tokenize', () => {
  it('keeps strings, quoted identifiers and dollar quotes whole', () => {
    const tokens = tokenize(`select 'it''s', "a ""b""", $$x; y$$ -- c\n/* d */ ;`);
    expect(tokens).toEqual([
      { kind: 'word', text: 'select' },
      { kind: 'string', text: "it's" },
      { kind: 'symbol', text: ',' },
      { kind: 'quoted-identifier', text: 'a "b"' },
      { kind: 'symbol', text: ',' },
      { kind: 'string', text: 'x; y' },
      { kind: 'symbol', text: ';' },
    ]);
  });
});
