-- int_episode_conditions
-- Grain: one row per non-empty condition cell of an episode: the main
-- condition tilstand_1_1 and every secondary condition tilstand_2_1 ...
-- tilstand_2_N (as many columns as the file has; UNPIVOT over COLUMNS()
-- takes them all). The loader trims values and turns empty ones into NULL,
-- and UNPIVOT leaves NULL cells out. Episodes of every care level (inpatient, day,
-- outpatient) and sector. tilstand is the value as the file has it; code
-- is it normalised as stg_episodes normalises the main condition (upper
-- case, no dot: ' e11.2' -> 'E112'). The admission timestamp is built as
-- stg_episodes builds it (a missing clock time counts as 00:00).
-- Materialized: view (a scan of episoder's condition columns; code is
-- computed only when read: normalising every cell costs about a second
-- on 6.5 M cells, so int_stay_comorbidity normalises the distinct values).
WITH cells AS (
    UNPIVOT (
        SELECT lopenr, episode_lnr, omsorgsniva, inndato, inntid,
               COLUMNS('^tilstand_[0-9]+_[0-9]+$')
        FROM episoder
    )
    ON COLUMNS('^tilstand_[0-9]+_[0-9]+$')
    INTO NAME source_column VALUE tilstand
)
SELECT
    lopenr                                      AS person_id,
    episode_lnr                                 AS episode_id,
    omsorgsniva                                 AS care_level,
    inndato                                     AS admission_date,
    inndato + coalesce(inntid, TIME '00:00:00') AS admitted_at,
    source_column,
    tilstand,
    upper(replace(trim(tilstand), '.', ''))     AS code
FROM cells
