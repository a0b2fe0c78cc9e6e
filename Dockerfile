# syntax=docker/dockerfile:1
# GridGov production image: gunicorn for the web, the same image for the Celery worker, beat and migrations.
# Build: docker build -t gridgov:local .   Run: docker compose up -d (see docker-compose.yml, .env.example).

# --- Stage 1: front-end packages from the npm registry (package.json + lock file), never from a CDN. ---
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- Stage 2: the application. ---
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# gettext provides msgfmt for compilemessages. psycopg-binary ships its own libpq, so nothing else is needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 gridgov \
    && useradd --system --uid 10001 --gid gridgov --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin gridgov

WORKDIR /app

# Runtime dependencies only (requirements-dev.txt stays out of the image).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# STATICFILES_DIRS reads node_modules/{bootstrap,bootstrap-icons,htmx.org,echarts}.
COPY --from=frontend /build/node_modules ./node_modules
COPY . .

# Translations and static files are built into the image. Production settings refuse to start without
# their secrets, so this step alone gets throwaway values: they exist only on this RUN line, are never
# stored as ENV, and nothing here connects to a database or Redis. The FIELD_ENCRYPTION_KEY below is
# base64("gridgov-build-only-not-a-secret!"), a syntactically valid Fernet key that encrypts nothing.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    FIELD_ENCRYPTION_KEY=Z3JpZGdvdi1idWlsZC1vbmx5LW5vdC1hLXNlY3JldCE= \
    DJANGO_ALLOWED_HOSTS=localhost \
    sh -c 'python manage.py compilemessages --ignore "node_modules/*" -v 0 \
        && python manage.py collectstatic --noinput -v 0'

# Uploads go to a volume mounted here (DJANGO_MEDIA_ROOT); a fresh named volume takes this ownership.
# Everything else under /app stays owned by root and read-only to the service user.
RUN mkdir -p /app/media && chown gridgov:gridgov /app/media

USER gridgov

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
