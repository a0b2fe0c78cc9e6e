"""The container deployment (Dockerfile, docker-compose.yml, .env.example) agrees with the settings.

No Docker engine is needed: the files are parsed and compared with config/settings. No database either.
"""

import ast
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_DIR = ROOT / "config" / "settings"

EXPECTED_SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Variables of the postgres container only; Django never reads them.
COMPOSE_ONLY_VARIABLES = ("POSTGRES_",)
# NAME=value, optionally commented out (an optional variable shown with its default).
ASSIGNMENT = re.compile(r"^\s*(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


# --- helpers -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    assert isinstance(data.get("services"), dict), "docker-compose.yml has no `services` mapping"
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_of(service: dict) -> list[str]:
    command = service.get("command") or []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def is_beat(command: list[str]) -> bool:
    return bool(command) and Path(command[0]).name == "celery" and "beat" in command


def is_worker(command: list[str]) -> bool:
    return bool(command) and Path(command[0]).name == "celery" and "worker" in command


def option_value(command: list[str], *names: str) -> str | None:
    for index, part in enumerate(command):
        for name in names:
            if part == name and index + 1 < len(command):
                return command[index + 1]
            if name.startswith("--") and part.startswith(name + "="):
                return part.split("=", 1)[1]
    return None


def depends_on(service: dict) -> dict[str, str]:
    """Dependency name -> condition; the short list form means service_started."""
    value = service.get("depends_on") or {}
    if isinstance(value, list):
        return dict.fromkeys(value, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in value.items()}


def env_files(service: dict) -> list[str]:
    value = service.get("env_file") or []
    if isinstance(value, str | dict):
        value = [value]
    return [item["path"] if isinstance(item, dict) else item for item in value]


def environment(service: dict) -> dict[str, str]:
    value = service.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {key: "" if item is None else str(item) for key, item in value.items()}


def volume_sources(service: dict) -> list[str]:
    sources = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type", "volume") == "volume" and volume.get("source"):
                sources.append(volume["source"])
            continue
        source = volume.split(":", 1)[0]
        if ":" in volume and not source.startswith((".", "/", "~", "$")):
            sources.append(source)
    return sources


def env_example() -> dict[str, str]:
    """Active NAME=value lines of .env.example."""
    result = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = ASSIGNMENT.match(line)
        if match and not match.group(1):
            result[match.group(2)] = match.group(3).strip()
    return result


def env_example_mentions() -> set[str]:
    """Every NAME=value in .env.example, including commented-out optional ones."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {match.group(2) for line in lines if (match := ASSIGNMENT.match(line))}


def settings_source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(SETTINGS_DIR.glob("*.py")))


def production_required() -> list[str]:
    tree = ast.parse((SETTINGS_DIR / "production.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "REQUIRED" for target in node.targets
        ):
            return list(ast.literal_eval(node.value))
    pytest.fail("config/settings/production.py has no REQUIRED list")
    return []


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions = []
    current = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def dockerfile_env() -> dict[str, str]:
    """ENV of the final stage."""
    instructions = dockerfile_instructions()
    last_from = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    result = {}
    for keyword, arguments in instructions[last_from:]:
        if keyword != "ENV":
            continue
        parts = shlex.split(arguments)
        if len(parts) == 2 and "=" not in parts[0]:  # legacy `ENV NAME value`
            result[parts[0]] = parts[1]
            continue
        for part in parts:
            name, _, value = part.partition("=")
            result[name] = value
    return result


# --- docker-compose.yml --------------------------------------------------------------------------------


def test_compose_file_is_valid_yaml_with_the_expected_services(services):
    assert set(services) == EXPECTED_SERVICES, (
        f"docker-compose.yml services are {sorted(services)}, expected exactly {sorted(EXPECTED_SERVICES)}"
    )


def test_exactly_one_beat_and_no_worker_embeds_one(services):
    beats = [name for name, service in services.items() if is_beat(command_of(service))]
    assert beats == ["beat"], f"exactly one service must run `celery ... beat`, found {beats}"
    for name, service in services.items():
        command = command_of(service)
        if is_worker(command):
            embedded = sorted({"--beat", "-B"} & set(command))
            assert not embedded, (
                f"worker service {name!r} embeds a beat ({embedded}); beat runs only in the `beat` service"
            )
    deploy = services["beat"].get("deploy")
    if deploy is not None and "replicas" in deploy:
        assert deploy["replicas"] == 1, f"beat must run exactly one replica, not {deploy['replicas']}"


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    command = command_of(services["web"])
    assert command, "web has no command"
    assert Path(command[0]).name == "gunicorn", f"web must run gunicorn, runs {command}"
    assert "config.wsgi:application" in command, f"web must serve config.wsgi:application, runs {command}"


def test_gunicorn_is_published_on_loopback_only(services):
    # The settings trust X-Forwarded-Proto and X-Forwarded-For, so only the proxy on the host may reach it.
    ports = [str(port) for port in services["web"].get("ports", [])]
    assert ports, "web publishes no port for the reverse proxy"
    assert all(port.startswith("127.0.0.1:") for port in ports), f"web publishes {ports} beyond loopback"


def test_worker_consumes_exactly_the_configured_queues(services):
    workers = [name for name, service in services.items() if is_worker(command_of(service))]
    assert workers == ["worker"], f"expected one Celery worker service, found {workers}"
    queues = option_value(command_of(services["worker"]), "--queues", "-Q")
    assert queues is not None, "the worker must name its queues with --queues"
    expected = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    assert queues.split(",") == expected, (
        f"worker --queues {queues.split(',')} differ from settings.CELERY_TASK_QUEUES {expected}"
    )


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if name == "migrate":
            continue
        healthcheck = service.get("healthcheck")
        assert healthcheck, f"service {name!r} has no healthcheck"
        assert not healthcheck.get("disable"), f"service {name!r} disables its healthcheck"
        assert healthcheck.get("test"), f"service {name!r} has a healthcheck without a test"


def test_web_healthcheck_probes_healthz(services):
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(str(part) for part in test)
    assert "/healthz" in text, f"the web healthcheck must request /healthz, it runs {text!r}"


def test_migrate_finishes_before_web_and_worker_start(services):
    assert services["migrate"].get("restart", "no") == "no", "migrate is one-shot: restart must be 'no'"
    assert command_of(services["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"], (
        f"migrate must run `manage.py migrate --noinput`, runs {command_of(services['migrate'])}"
    )
    for name in ("web", "worker", "beat"):
        conditions = depends_on(services[name])
        assert conditions.get("migrate") == "service_completed_successfully", (
            f"{name} must depend on migrate with condition service_completed_successfully, has {conditions}"
        )
    for name in ("web", "worker"):
        conditions = depends_on(services[name])
        for server in ("postgres", "redis"):
            assert conditions.get(server) == "service_healthy", (
                f"{name} must wait for {server} to be healthy, has {conditions}"
            )


def test_app_services_share_the_image_env_file_and_production_settings(services):
    image_env = dockerfile_env()
    images = set()
    for name in APP_SERVICES:
        service = services[name]
        assert ".env" in env_files(service), f"{name} must use env_file .env, has {env_files(service)}"
        assert service.get("build") or service.get("image"), f"{name} names neither a build nor an image"
        images.add(str(service.get("image")))
        module = environment(service).get("DJANGO_SETTINGS_MODULE") or image_env.get("DJANGO_SETTINGS_MODULE")
        assert module == "config.settings.production", (
            f"{name} must run with DJANGO_SETTINGS_MODULE=config.settings.production, resolves to {module!r}"
        )
        expected_restart = "no" if name == "migrate" else "unless-stopped"
        assert service.get("restart") == expected_restart, (
            f"{name} must have restart {expected_restart!r}, has {service.get('restart')!r}"
        )
    assert len(images) == 1, f"the app services must share one image, found {sorted(images)}"


def test_named_volumes_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for source in volume_sources(service):
            assert source in declared, f"service {name!r} uses volume {source!r}, not declared under volumes:"
    assert {"pgdata", "redisdata", "media"} <= declared, f"declared volumes are {sorted(declared)}"


def test_urls_in_env_example_point_at_the_compose_services(services):
    values = env_example()
    database = urlsplit(values.get("DATABASE_URL", ""))
    assert database.hostname in services, f"DATABASE_URL host {database.hostname!r} is not a compose service"
    assert database.username == values.get("POSTGRES_USER"), "DATABASE_URL user differs from POSTGRES_USER"
    assert database.password == values.get("POSTGRES_PASSWORD"), (
        "DATABASE_URL password differs from POSTGRES_PASSWORD"
    )
    assert database.path.lstrip("/") == values.get("POSTGRES_DB"), (
        "DATABASE_URL database differs from POSTGRES_DB"
    )
    redis_host = urlsplit(values.get("REDIS_URL", "")).hostname
    assert redis_host in services, f"REDIS_URL host {redis_host!r} is not a compose service"


# --- .env.example --------------------------------------------------------------------------------------


def test_env_example_lists_every_required_production_variable():
    required = production_required()
    assert required, "production.py's REQUIRED list is empty"
    missing = sorted(set(required) - set(env_example()))
    assert not missing, f".env.example lacks required production variables: {missing}"


def test_env_example_names_only_variables_the_settings_read():
    source = settings_source()
    unread = sorted(
        name
        for name in env_example_mentions()
        if not name.startswith(COMPOSE_ONLY_VARIABLES) and not re.search(rf"[\"']{name}[\"']", source)
    )
    assert not unread, f".env.example names variables no file in config/settings reads: {unread}"


def test_env_example_holds_placeholders_not_secrets():
    values = env_example()
    for name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "POSTGRES_PASSWORD"):
        assert values.get(name) == "change-me", f"{name} in .env.example must be the placeholder change-me"


# --- Dockerfile ----------------------------------------------------------------------------------------


def test_dockerfile_builds_static_files_and_translations_as_a_non_root_user():
    instructions = dockerfile_instructions()
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "manage.py collectstatic --noinput" in runs, "the Dockerfile must run collectstatic --noinput"
    assert "manage.py compilemessages" in runs, "the Dockerfile must run compilemessages"
    assert re.search(r"pip install [^&;]*-r requirements\.txt", runs), (
        "the Dockerfile must install requirements.txt"
    )
    assert "requirements-dev.txt" not in runs, "the production image must not install requirements-dev.txt"
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users, "the Dockerfile must switch to a non-root USER"
    assert users[-1].split(":")[0] not in {"root", "0"}, f"the final USER is {users[-1]!r}, which is root"
    env = dockerfile_env()
    assert env.get("DJANGO_SETTINGS_MODULE") == "config.settings.production", (
        f"the image's DJANGO_SETTINGS_MODULE is {env.get('DJANGO_SETTINGS_MODULE')!r}"
    )
    assert env.get("PYTHONUNBUFFERED") == "1", "the image must set PYTHONUNBUFFERED=1"


def test_dockerfile_keeps_build_only_secrets_out_of_env_and_arg():
    baked = {
        arguments.split("=", 1)[0].split()[0]
        for keyword, arguments in dockerfile_instructions()
        if keyword in {"ENV", "ARG"}
    } | set(dockerfile_env())
    leaked = sorted(set(production_required()) & baked)
    assert not leaked, f"the Dockerfile stores required secrets as ENV/ARG (use the RUN line only): {leaked}"
