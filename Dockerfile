# The image every Airflow service runs (docker-compose.yml): the official Airflow image plus the
# platform's dependencies, package, GX suites, config and DAGs. Nothing is installed at start-up.
FROM apache/airflow:3.3.2-python3.11

# WeasyPrint renders the release PDF with Pango; it also needs a font.
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && apt-get autoremove -yqq --purge \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /opt/monev \
    && chown airflow:0 /opt/monev
USER airflow

# Airflow stays at the image's version (AIRFLOW_VERSION is set by the official image): pip refuses
# to build if requirements.txt pins another. The Celery provider, Celery and the Redis client are
# pinned in requirements.txt, so the workers run the versions the live CeleryExecutor test runs; the
# image's other providers (fab for the UI's users, postgres) are kept as they are.
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/monev/
RUN pip install --no-cache-dir -r /opt/monev/requirements.txt "apache-airflow==${AIRFLOW_VERSION}" \
    -c /opt/monev/constraints.txt

COPY --chown=airflow:0 pyproject.toml /opt/monev/
COPY --chown=airflow:0 pipelines /opt/monev/pipelines
RUN pip install --no-cache-dir --no-deps -e /opt/monev

COPY --chown=airflow:0 expectations /opt/monev/expectations
COPY --chown=airflow:0 config /opt/monev/config
COPY --chown=airflow:0 dags /opt/airflow/dags

ENV MONEV_CONFIG_DIR=/opt/monev/config \
    MONEV_EXPECTATIONS_DIR=/opt/monev/expectations \
    GX_ANALYTICS_ENABLED=False
