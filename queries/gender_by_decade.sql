-- Question: how has the gender balance of characters changed by decade, overall and among leads?
-- Grain: one row per release decade x character gender. A character counts once per film it appears
-- in; leads are protagonists and deuteragonists. Shares are within the decade.

with

appearances as (
    select * from hive.hyperion.character_appearances
),

characters as (
    select * from hive.hyperion.characters
),

films as (
    select * from hive.hyperion.films
),

character_films as (
    select distinct
        appearances.character_id,
        appearances.film_id,
        appearances.role,
        films.release_year / 10 * 10 as decade
    from appearances
    inner join films
        on appearances.film_key = films.film_key
),

decade_genders as (
    select
        character_films.decade,
        characters.gender,
        count(*) as appearance_count,
        count_if(character_films.role in ('protagonist', 'deuteragonist')) as lead_count
    from character_films
    inner join characters
        on character_films.character_id = characters.character_id
    group by 1, 2
)

select
    decade,
    gender,
    appearance_count,
    round(100.0 * appearance_count / sum(appearance_count) over (partition by decade), 1) as appearance_share_percent,
    lead_count,
    round(100.0 * lead_count / nullif(sum(lead_count) over (partition by decade), 0), 1) as lead_share_percent
from decade_genders
order by decade, gender;
