-- Question: how much domestic box office did each studio earn in each calendar year?
-- Grain: one row per studio x calendar year of box office (box_office_daily summed over films, days
-- and states). Revenue is in whole USD; the daily rows are synthetic but sum to each film's real gross.

with

daily as (
    select * from hive.hyperion.box_office_daily
),

films as (
    select * from hive.hyperion.films
),

studios as (
    select * from hive.hyperion.studios
),

film_years as (
    -- Aggregate the big table first: 50 rows per film-day become one per film-year before any join.
    select
        film_key,
        box_office_year,
        sum(gross_cents) as gross_cents
    from daily
    group by 1, 2
),

studio_years as (
    select
        films.studio_id,
        film_years.box_office_year,
        count(*) as film_count,
        sum(film_years.gross_cents) as gross_cents
    from film_years
    inner join films
        on film_years.film_key = films.film_key
    group by 1, 2
)

select
    studios.studio_name,
    studio_years.box_office_year,
    studio_years.film_count,
    studio_years.gross_cents / 100 as gross_usd
from studio_years
inner join studios
    on studio_years.studio_id = studios.studio_id
order by studios.studio_name, studio_years.box_office_year;
