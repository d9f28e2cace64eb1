WITH delivered AS (
  SELECT ingredient_id, SUM(kg) AS kg_in FROM supply.deliveries GROUP BY ingredient_id
),
used AS (
  SELECT ingredient_id, SUM(kg_used) AS kg_out FROM ingredient_usage GROUP BY ingredient_id
)
SELECT d.ingredient_id,
       d.kg_in,
       COALESCE(u.kg_out, 0) AS kg_out,
       d.kg_in - COALESCE(u.kg_out, 0) AS kg_left
FROM delivered d
LEFT JOIN used u ON u.ingredient_id = d.ingredient_id
