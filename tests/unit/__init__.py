"""The unit layer: pure functions and in-memory checks, no servers, no Airflow, no sample chain (`make test-fast`)."""
