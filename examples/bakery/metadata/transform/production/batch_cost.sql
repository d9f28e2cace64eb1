SELECT u.baked_on,
       u.product_id,
       u.ingredient_id,
       i.name AS ingredient,
       u.kg_used,
       u.kg_used * i.cost_per_kg AS cost
FROM production.ingredient_usage u
JOIN kitchen.ingredients i ON i.ingredient_id = u.ingredient_id
