-- Question: do sequels out-gross the film that started their franchise?
-- Grain: one row per theatrical film with a domestic gross in a franchise that has at least two such
-- films, in release order; the ratio compares each film's domestic gross with the franchise's first one.

with

films as (
    select * from hive.hyperion.films
),

franchises as (
    select * from hive.hyperion.franchises
),

grossing_films as (
    select
        franchise_id,
        film_id,
        title,
        release_year,
        domestic_gross_usd,
        row_number() over (partition by franchise_id order by release_date, film_id) as film_order,
        first_value(domestic_gross_usd) over (
            partition by franchise_id order by release_date, film_id
        ) as first_film_gross_usd,
        count(*) over (partition by franchise_id) as franchise_film_count
    from films
    where franchise_id is not null
        and release_type = 'theatrical'
        and domestic_gross_usd is not null
)

select
    franchises.franchise_name,
    grossing_films.film_order,
    grossing_films.title,
    grossing_films.release_year,
    grossing_films.domestic_gross_usd,
    round(cast(grossing_films.domestic_gross_usd as double) / grossing_films.first_film_gross_usd, 2)
        as ratio_to_first_film
from grossing_films
inner join franchises
    on grossing_films.franchise_id = franchises.franchise_id
where grossing_films.franchise_film_count >= 2
order by franchises.franchise_name, grossing_films.film_order;
