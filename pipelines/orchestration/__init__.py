"""What the DAG files share: Airflow arguments and assets (dag_args) and the asset events' contract."""
