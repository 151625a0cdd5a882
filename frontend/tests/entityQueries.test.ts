// The queries behind /talent/:name, /studios/:id and the global search, in the real DuckDB-WASM engine.
import { beforeAll, describe, expect, it } from 'vitest';
import { globalSearchQuery, studioFilmsQuery, talentDetailQuery, type SearchHit } from '../src/db/queries';
import type { Row } from '../src/db/rows';
import { openTestEngine } from './engineHarness';

let run: (sql: string) => Row[];
beforeAll(async () => {
  run = await openTestEngine();
});

describe('entity and search queries', () => {
  it('global search finds each kind and agrees with independent SQL', () => {
    const [film] = run("select title from films_complete where title ilike '%toy%' order by title limit 1");
    const hits = run(globalSearchQuery('toy').sql) as unknown as SearchHit[];
    expect(hits.some((hit) => hit.kind === 'film' && hit.label === film.title)).toBe(true);
    const [actor] = run('select talent_name from talent_stats order by appearance_count desc, talent_name limit 1');
    const actorHits = run(globalSearchQuery(String(actor.talent_name)).sql) as unknown as SearchHit[];
    expect(actorHits.some((hit) => hit.kind === 'voice actor' && hit.id === actor.talent_name)).toBe(true);
    const [studio] = run('select studio_id, studio_name from studio_stats order by studio_id limit 1');
    const studioHits = run(globalSearchQuery(String(studio.studio_name)).sql) as unknown as SearchHit[];
    expect(studioHits.some((hit) => hit.kind === 'studio' && hit.id === studio.studio_id)).toBe(true);
    for (const kind of ['film', 'character', 'voice actor', 'studio']) {
      expect(run(globalSearchQuery('a', 4).sql).filter((hit) => hit.kind === kind).length).toBeLessThanOrEqual(4);
    }
  });

  it('global search treats quotes and wildcards as text', () => {
    expect(run(globalSearchQuery("%'; drop table films_complete; --").sql)).toEqual([]);
    expect(run(globalSearchQuery('_').sql)).toEqual([]);
    expect(run('select count(*) as films from films_complete')[0].films).toBeGreaterThan(0);
  });

  it('talent detail and studio films', () => {
    const [actor] = run('select talent_name, film_count from talent_stats order by appearance_count desc, talent_name limit 1');
    const detail = run(talentDetailQuery(String(actor.talent_name)).sql);
    expect(detail).toHaveLength(1);
    expect(detail[0].films).toBe(actor.film_count);
    expect(run(talentDetailQuery("nobody's name").sql)).toEqual([]);
    const [studio] = run('select studio_id, film_count from studio_stats order by film_count desc, studio_id limit 1');
    expect(run(studioFilmsQuery(String(studio.studio_id)).sql)).toHaveLength(Number(studio.film_count));
  });
});
