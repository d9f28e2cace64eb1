SELECT b.baked_on,
       b.product_id,
       r.ingredient_id,
       SUM(b.units * r.grams) / 1000.0 AS kg_used
FROM kitchen.batches b
JOIN kitchen.recipes r ON r.product_id = b.product_id
GROUP BY b.baked_on, b.product_id, r.ingredient_id
