"""Alembic environment and migration versions; shipped inside the package so installed copies can upgrade."""
