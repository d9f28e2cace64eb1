SELECT species, COUNT(*) AS plants
FROM garden.plants
GROUP BY species
