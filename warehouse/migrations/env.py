"""Alembic environment: the engine is passed in by warehouse.db.upgrade (or built from the config)."""

from alembic import context

from warehouse.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line
    from cpts.config import get_settings
    from warehouse.db import make_engine

    engine = make_engine(get_settings().database_url)

from warehouse.loading import lock_writers  # noqa: E402

with engine.begin() as connection:
    lock_writers(connection)  # one upgrade (and no load) at a time on this warehouse
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
