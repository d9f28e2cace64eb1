SELECT p.plant_id, p.species, MAX(w.watered_on) AS last_watered
FROM garden.plants p
LEFT JOIN garden.waterings w ON w.plant_id = p.plant_id
GROUP BY p.plant_id, p.species
