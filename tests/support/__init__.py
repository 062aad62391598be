"""Servers and helpers the tests start on loopback: Airflow, PostgreSQL, Redis, SMTP, HTTP, S3, Chromium."""
