-- Runs once, when the PostgreSQL data volume is initialised for the first time
-- (files in /docker-entrypoint-initdb.d are ignored on an existing volume).
--
-- lawcycle keeps its own database on the same server as Temporal; Temporal's
-- databases (temporal, temporal_visibility) are created by its schema tool.
-- Reports, returns and notices are Chinese text: force UTF8 regardless of the
-- server locale.
CREATE DATABASE lawcycle
    WITH ENCODING 'UTF8'
         TEMPLATE template0;
