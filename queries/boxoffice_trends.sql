-- Question: how does a film's run decay week over week, how much of it is the opening weekend, and does
-- the release month (seasonality) change either?
-- Grain: one row per release month (1 to 12) over all films with box office: the median second-week
-- retention (week 2 gross / week 1 gross), the median opening-weekend share of the whole run, the
-- average run length in weeks and the month's total gross.

with

weekly as (
    select * from hive.hyperion.box_office_weekly
),

summary as (
    select * from hive.hyperion.box_office_film_summary
),

films as (
    select * from hive.hyperion.films
),

film_weeks as (
    select
        film_key,
        max(week_number) as weeks_in_release,
        sum(gross_cents) filter (where week_number = 1) as week_1_gross_cents,
        sum(gross_cents) filter (where week_number = 2) as week_2_gross_cents
    from weekly
    group by 1
),

film_trends as (
    select
        month(films.release_date) as release_month,
        film_weeks.weeks_in_release,
        cast(film_weeks.week_2_gross_cents as double) / film_weeks.week_1_gross_cents as week_2_retention,
        summary.opening_weekend_share,
        summary.total_gross_cents
    from summary
    inner join films
        on summary.film_key = films.film_key
    inner join film_weeks
        on summary.film_key = film_weeks.film_key
)

select
    release_month,
    count(*) as film_count,
    round(approx_percentile(week_2_retention, 0.5), 3) as median_week_2_retention,
    round(approx_percentile(opening_weekend_share, 0.5), 3) as median_opening_weekend_share,
    round(avg(weeks_in_release), 1) as average_weeks_in_release,
    sum(total_gross_cents) / 100 as total_gross_usd
from film_trends
group by 1
order by 1;
