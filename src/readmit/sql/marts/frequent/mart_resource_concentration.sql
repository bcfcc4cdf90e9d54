-- mart_resource_concentration
-- Grain: one row per discharge year, sector and measure ('bed_days',
-- 'drg_weight'; see mart_person_resource_use): persons, their total use,
-- the share of it used by the top 1 %, 5 % and 10 % of persons and the Gini
-- coefficient (definitions.md, Frequent users).
-- The top k % are the m = ceil(k * n / 100) persons with the highest use,
-- counted in whole numbers ((k * n + 99) // 100: no floating point);
-- n_top1 / n_top5 / n_top10 say how many persons that is (a share computed
-- from 1-4 persons is a small number). From the blocks of tied persons
-- (mart_resource_use_blocks): the top m use the cum_use of the blocks above
-- the one holding rank m, plus (m - persons above) times that block's value
-- - which of tied persons is taken does not change it.
-- Gini = 2 * sum(i * x_i) / (n * sum x) - (n + 1) / n with x ascending and
-- i = 1..n. A person of descending rank r has i = n + 1 - r, so sum(i * x_i)
-- = (n + 1) * sum x - sum(r * x); a block of c persons of value v at the
-- descending ranks a + 1 .. a + c adds v * (c * a + c * (c + 1) / 2) to
-- sum(r * x). A group whose total use is 0 has no shares and no Gini (NULL).
WITH groups AS (
    SELECT year, sector, measure,
           max(cum_n)                                     AS n_persons,
           max(cum_use)                                   AS total_use,
           sum(use * ((cum_n - n_persons) * n_persons + n_persons * (n_persons + 1) / 2.0))
                                                          AS rank_weighted_use
    FROM mart_resource_use_blocks
    GROUP BY year, sector, measure
),
sized AS (
    SELECT *,
           (n_persons * 1 + 99) // 100  AS n_top1,
           (n_persons * 5 + 99) // 100  AS n_top5,
           (n_persons * 10 + 99) // 100 AS n_top10
    FROM groups
),
tops AS (
    SELECT g.year, g.sector, g.measure,
           max(b.cum_use - b.n_persons * b.use + (g.n_top1 - (b.cum_n - b.n_persons)) * b.use)
               FILTER (WHERE b.cum_n - b.n_persons < g.n_top1 AND g.n_top1 <= b.cum_n)
               AS top1_use,
           max(b.cum_use - b.n_persons * b.use + (g.n_top5 - (b.cum_n - b.n_persons)) * b.use)
               FILTER (WHERE b.cum_n - b.n_persons < g.n_top5 AND g.n_top5 <= b.cum_n)
               AS top5_use,
           max(b.cum_use - b.n_persons * b.use + (g.n_top10 - (b.cum_n - b.n_persons)) * b.use)
               FILTER (WHERE b.cum_n - b.n_persons < g.n_top10 AND g.n_top10 <= b.cum_n)
               AS top10_use
    FROM sized AS g
    JOIN mart_resource_use_blocks AS b
      ON b.year = g.year AND b.sector = g.sector AND b.measure = g.measure
     AND b.cum_n - b.n_persons < g.n_top10
    GROUP BY g.year, g.sector, g.measure
)
SELECT
    g.year,
    g.sector,
    g.measure,
    g.n_persons,
    g.total_use,
    g.n_top1,
    g.n_top5,
    g.n_top10,
    t.top1_use / nullif(g.total_use, 0)                       AS top1_share,
    t.top5_use / nullif(g.total_use, 0)                       AS top5_share,
    t.top10_use / nullif(g.total_use, 0)                      AS top10_share,
    2.0 * ((g.n_persons + 1) * g.total_use - g.rank_weighted_use)
        / (g.n_persons * nullif(g.total_use, 0))
        - (g.n_persons + 1.0) / g.n_persons                   AS gini
FROM sized AS g
JOIN tops AS t USING (year, sector, measure)
