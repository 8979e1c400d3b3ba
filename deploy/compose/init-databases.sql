-- Run once by the postgres image on an empty volume: Dagster's instance storage is POSTGRES_DB (`dagster`);
-- the warehouse and the Celery broker (kombu's SQLAlchemy transport and Celery's result backend) get their own.
CREATE DATABASE dexxy;
CREATE DATABASE celery;
