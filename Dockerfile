FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/kiji
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
RUN pip install . \
    && useradd --create-home --uid 10001 kiji \
    && mkdir -p /srv/kiji/data \
    && chown kiji:kiji /srv/kiji/data

USER kiji
# KIJI_DATABASE_URL may name PostgreSQL instead, e.g.
#   postgresql+psycopg://kiji:secret@db:5432/kiji
ENV KIJI_HOST=0.0.0.0 \
    KIJI_PORT=8000 \
    KIJI_WORKERS=2 \
    KIJI_DATABASE_URL=sqlite:////srv/kiji/data/kiji.db
EXPOSE 8000
VOLUME ["/srv/kiji/data"]

HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"

# Migrations first, then the server (which also loads samples into an empty SQLite store).
CMD ["sh", "-c", "kiji db upgrade && exec kiji serve"]
