-- Question: does the summed daily box office of each film equal its catalog domestic gross?
-- Grain: one row per reconciliation status (match, mismatch, missing box office, no catalog gross),
-- with the number of films and the summed absolute difference in cents (0 when every film matches).

with

reconciliation as (
    select * from hive.hyperion.box_office_reconciliation
)

select
    status,
    count(*) as film_count,
    coalesce(sum(abs(difference_cents)), 0) as absolute_difference_cents
from reconciliation
group by 1
order by 1;
