-- Question: how many distinct characters does each franchise have, and how many of them recur?
-- Grain: one row per franchise (films without a franchise are left out). A recurring character appears
-- in two or more films of the franchise; a voiced character has at least one credited voice.

with

films as (
    select * from hive.hyperion.films
),

franchises as (
    select * from hive.hyperion.franchises
),

appearances as (
    select * from hive.hyperion.character_appearances
),

character_films as (
    select
        films.franchise_id,
        appearances.character_id,
        count(distinct appearances.film_id) as film_count,
        count(appearances.talent_name) as credit_count
    from appearances
    inner join films
        on appearances.film_key = films.film_key
    where films.franchise_id is not null
    group by 1, 2
),

franchise_films as (
    select
        franchise_id,
        count(*) as film_count
    from films
    where franchise_id is not null
    group by 1
)

select
    franchises.franchise_name,
    franchise_films.film_count,
    count(character_films.character_id) as character_count,
    count_if(character_films.film_count >= 2) as recurring_character_count,
    count_if(character_films.credit_count > 0) as voiced_character_count
from franchises
inner join franchise_films
    on franchises.franchise_id = franchise_films.franchise_id
left join character_films
    on franchises.franchise_id = character_films.franchise_id
group by 1, 2
order by character_count desc, franchises.franchise_name;
