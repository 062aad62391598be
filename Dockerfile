# Production image: the official Airflow image plus the monev package, suites and config.
FROM apache/airflow:3.3.2-python3.11

COPY requirements.txt constraints.txt /opt/monev/
RUN pip install --no-cache-dir -r /opt/monev/requirements.txt -c /opt/monev/constraints.txt

COPY --chown=airflow:root pyproject.toml /opt/monev/
COPY --chown=airflow:root pipelines /opt/monev/pipelines
COPY --chown=airflow:root expectations /opt/monev/expectations
COPY --chown=airflow:root config /opt/monev/config
COPY --chown=airflow:root dags /opt/airflow/dags
RUN pip install --no-cache-dir --no-deps -e /opt/monev

ENV MONEV_CONFIG_DIR=/opt/monev/config \
    MONEV_EXPECTATIONS_DIR=/opt/monev/expectations \
    GX_ANALYTICS_ENABLED=False
