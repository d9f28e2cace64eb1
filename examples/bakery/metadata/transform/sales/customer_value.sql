WITH order_totals AS (
  SELECT o.customer_id, o.order_id, SUM(l.quantity * l.unit_price) AS total
  FROM shop.orders o
  JOIN shop.order_lines l ON l.order_id = o.order_id
  WHERE o.status <> 'cancelled'
  GROUP BY o.customer_id, o.order_id
)
SELECT c.customer_id,
       c.name,
       c.city,
       EXTRACT(YEAR FROM c.joined_on) AS customer_since,
       COUNT(t.order_id) AS orders,
       COALESCE(SUM(t.total), 0) AS lifetime_value
FROM shop.customers c
LEFT JOIN order_totals t ON t.customer_id = c.customer_id
GROUP BY c.customer_id, c.name, c.city, EXTRACT(YEAR FROM c.joined_on)
