-- What each bike earned, net of refunds: rides loaded on Cloud Run, payments on Dataproc.
SELECT t.bike_id,
       SUM(c.amount) - COALESCE(SUM(r.amount), 0) AS net_revenue
FROM rides.trips AS t
JOIN payments.charges AS c ON c.trip_id = t.trip_id
LEFT JOIN payments.refunds AS r ON r.charge_id = c.charge_id
GROUP BY t.bike_id
