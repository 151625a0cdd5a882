-- Question: who are the most credited voice actors, by character appearances and by films across studios?
-- Grain: one row per voice actor among the top 20 by appearances or the top 20 by films across studios
-- (tied actors share a rank, so a tie at the cut-off can add rows). An appearance is one character in one film; singing-only
-- credits count.

with

appearances as (
    select * from hive.hyperion.character_appearances
),

films as (
    select * from hive.hyperion.films
),

talent_totals as (
    select
        appearances.talent_name,
        count(distinct (appearances.character_id, appearances.film_id)) as appearance_count,
        count(distinct appearances.character_id) as character_count,
        count(distinct appearances.film_id) as film_count,
        count(distinct films.studio_id) as studio_count,
        array_join(array_sort(array_agg(distinct films.studio_id)), ', ') as studios
    from appearances
    inner join films
        on appearances.film_key = films.film_key
    where appearances.talent_name is not null
    group by 1
),

ranked as (
    select
        *,
        rank() over (order by appearance_count desc) as appearance_rank,
        rank() over (order by studio_count desc, film_count desc) as cross_studio_rank
    from talent_totals
)

select
    talent_name,
    appearance_count,
    character_count,
    film_count,
    studio_count,
    studios,
    appearance_rank,
    cross_studio_rank
from ranked
where appearance_rank <= 20 or cross_studio_rank <= 20
order by appearance_rank, cross_studio_rank, talent_name;
