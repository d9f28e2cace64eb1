-- Revenue per product and day. The words "from other_table" in this comment are not a table.
SELECT l.product_id,
       CAST(o.ordered_at AS DATE) AS sale_date,
       SUM(l.quantity) AS units_sold,
       SUM(l.quantity * l.unit_price) AS revenue
FROM shop.order_lines AS l
JOIN shop.orders AS o ON o.order_id = l.order_id
WHERE o.status <> 'cancelled'
GROUP BY l.product_id, CAST(o.ordered_at AS DATE)
