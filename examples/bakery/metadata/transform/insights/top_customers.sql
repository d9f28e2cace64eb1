SELECT customer_id, name, lifetime_value
FROM customer_value
ORDER BY lifetime_value DESC
LIMIT 10
