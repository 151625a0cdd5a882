import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decompress } from 'fzstd';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeOverview } from '../src/db/firstPaint';
import { filmsPerYearByStudioQuery, genderByDecadeQuery, headlineQuery, topGrossingQuery } from '../src/db/queries';
import type { Row } from '../src/db/rows';
import { DATABASE_PATH, openTestEngine } from './engineHarness';

async function readParquet(name: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(join(dirname(DATABASE_PATH), `${name}.parquet`));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parquetReadObjects({ file, compressors: { ZSTD: (input: Uint8Array) => decompress(input) } });
}

let run: (sql: string) => Row[];
beforeAll(async () => {
  run = await openTestEngine();
});

describe('overview first paint (hyparquet) equals the SQL of the query module', () => {
  it('computes the same headline and chart rows as DuckDB-WASM', async () => {
    const overview = computeOverview(await readParquet('films_complete'), await readParquet('characters_complete'));
    expect(overview.headline).toEqual(run(headlineQuery.sql)[0]);
    expect(overview.filmsPerYear).toEqual(run(filmsPerYearByStudioQuery.sql));
    expect(overview.topGrossing).toEqual(run(topGrossingQuery.sql));
    expect(overview.genderByDecade).toEqual(run(genderByDecadeQuery.sql));
  });
});
