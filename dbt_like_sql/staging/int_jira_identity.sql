-- Team members (GitHub people) matched to Jira accounts: first by e-mail (the profile's and the addresses
-- the person commits with), then by display name normalised for case, accents and spacing. A candidate is
-- taken only when it is the only one on both sides; otherwise the pair is listed as ambiguous.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH members AS (
    SELECT DISTINCT u.user_id, u.name, u.email
    FROM {{ source('staging', 'github_org_members') }} AS m
    JOIN {{ source('staging', 'github_users') }} AS u ON u.user_id = m.user_id
    WHERE NOT u.is_bot
),
member_emails AS (
    SELECT user_id, lower(btrim(email)) AS email FROM members WHERE email LIKE '%@%'
    UNION
    SELECT c.author_id, lower(btrim(c.author_email))
    FROM {{ source('staging', 'github_pr_commits') }} AS c
    JOIN members AS m ON m.user_id = c.author_id
    WHERE c.author_email LIKE '%@%' AND c.author_email NOT LIKE '%noreply%'
),
accounts AS (
    SELECT
        account_id,
        lower(btrim(email)) AS email,
        lower(btrim(regexp_replace(
            regexp_replace(normalize(coalesce(display_name, ''), NFKD), '[\u0300-\u036f]', '', 'g'),
            '\s+', ' ', 'g'
        ))) AS name_key
    FROM {{ source('staging', 'jira_users') }}
    WHERE coalesce(account_type, 'atlassian') = 'atlassian'
      AND coalesce(display_name, '') <> 'Former user'
),
email_pairs AS (
    SELECT pairs.*,
        count(*) OVER (PARTITION BY user_id) AS per_member,
        count(*) OVER (PARTITION BY account_id) AS per_account
    FROM (
        SELECT DISTINCT me.user_id, a.account_id
        FROM member_emails AS me
        JOIN accounts AS a ON a.email = me.email
    ) AS pairs
),
by_email AS (
    SELECT user_id, account_id FROM email_pairs WHERE per_member = 1 AND per_account = 1
),
member_names AS (
    SELECT
        user_id,
        lower(btrim(regexp_replace(
            regexp_replace(normalize(name, NFKD), '[\u0300-\u036f]', '', 'g'), '\s+', ' ', 'g'
        ))) AS name_key
    FROM members
    WHERE name IS NOT NULL AND user_id NOT IN (SELECT user_id FROM by_email)
),
name_pairs AS (
    SELECT mn.user_id, a.account_id,
        count(*) OVER (PARTITION BY mn.user_id) AS per_member,
        count(*) OVER (PARTITION BY a.account_id) AS per_account
    FROM member_names AS mn
    JOIN accounts AS a ON a.name_key = mn.name_key
    WHERE a.name_key <> '' AND a.account_id NOT IN (SELECT account_id FROM by_email)
)
SELECT user_id AS member_id, account_id, 'email' AS match_method FROM by_email
UNION ALL
SELECT user_id, account_id, 'display_name' FROM name_pairs WHERE per_member = 1 AND per_account = 1
UNION ALL
SELECT user_id, account_id, 'ambiguous' FROM email_pairs WHERE per_member > 1 OR per_account > 1
UNION ALL
SELECT user_id, account_id, 'ambiguous' FROM name_pairs WHERE per_member > 1 OR per_account > 1
