# MLTop: one image for the web server, the Celery worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# No system packages: psycopg ships its libpq, and Babel (a pip dependency) compiles the
# translations, as `make messages` does.
RUN groupadd --system --gid 10001 mltop \
    && useradd --system --uid 10001 --gid mltop --home-dir /app --shell /usr/sbin/nologin mltop

WORKDIR /app

# Dependencies first, so code changes rebuild only the layers below.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Hashed, compressed static files and compiled translations are part of the image. The
# build needs a secret key to load the settings; this one is thrown away with the layer.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret DJANGO_STATIC_MANIFEST=true \
        python manage.py collectstatic --noinput \
    && for po in locale/*/LC_MESSAGES/*.po; do pybabel compile -i "$po" -o "${po%.po}.mo"; done \
    && mkdir -p var \
    && chown -R mltop:mltop var

USER mltop

EXPOSE 8000

CMD ["gunicorn", "--config", "mltop/gunicorn.conf.py", "mltop.wsgi:application"]
