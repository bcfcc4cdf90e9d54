-- mart_resource_use_blocks
-- Grain: one row per measure, sector, discharge year and distinct value of a
-- person's use (mart_person_resource_use): n_persons with exactly that use,
-- and, counting from the largest use down, cum_n (persons whose use is this
-- or larger) and cum_use (their total use).
-- Persons tied on a value form one block: they hold the descending ranks
-- cum_n - n_persons + 1 .. cum_n in any order, and any sum over the top m
-- ranks is the same whichever of them is taken, so the top-k shares, the
-- Gini coefficient and the Lorenz curve are read off these blocks exactly,
-- without ranking persons one by one (a far smaller sort: some thousands of
-- values of bed days, some ten thousands of DRG weights, not millions of
-- persons).
SELECT
    measure,
    sector,
    year,
    use,
    n_persons,
    CAST(sum(n_persons) OVER top_down AS BIGINT) AS cum_n,
    sum(n_persons * use) OVER top_down             AS cum_use
FROM (
    SELECT measure, sector, year, use, CAST(count(*) AS BIGINT) AS n_persons
    FROM mart_person_resource_use
    GROUP BY ALL
)
WINDOW top_down AS (PARTITION BY measure, sector, year ORDER BY use DESC
                    ROWS UNBOUNDED PRECEDING)
