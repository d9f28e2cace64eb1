WITH cost_per_product AS (
  SELECT product_id, baked_on, SUM(cost) AS cost
  FROM production.batch_cost
  GROUP BY product_id, baked_on
)
SELECT r.product_id,
       r.sale_date,
       r.revenue,
       COALESCE(c.cost, 0) AS cost,
       r.revenue - COALESCE(c.cost, 0) AS margin
FROM sales.product_revenue r
LEFT JOIN cost_per_product c ON c.product_id = r.product_id AND c.baked_on = r.sale_date
