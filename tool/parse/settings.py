"""`tool.toml` text -> settings and problems, with lines. Never opens a file."""

from __future__ import annotations

import contextlib
import difflib
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tool.model import CONFIG_NAME, Config, Problem, parse_date


def parse_settings(text: str) -> tuple[Config, list[Problem]]:
    """Settings from the text of `tool.toml`; a mistake gives a problem and the default."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc), text)
        message = str(exc).split(" (at ")[0]
        return Config(), [
            Problem(CONFIG_NAME, line, col, "error", f"TOML syntax: {message}", "config")
        ]
    problems: list[Problem] = []

    def problem(table: str, key: str | None, message: str) -> None:
        line = config_line(text, table, key)
        problems.append(Problem(CONFIG_NAME, line, 1, "error", message, "config"))

    def section(name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if isinstance(value, dict):
            return value
        problem(name, None, f"[{name}] must be a table")
        return {}

    tables = {name: section(name) for name in ("defaults", "targets", "digest", "goals")}
    defaults, digest = tables["defaults"], tables["digest"]
    config = Config(
        me=section("me"), raw=raw, headings={str(k): str(v) for k, v in section("headings").items()}
    )

    def number(table: str, key: str, default: int) -> int:
        value = tables[table].get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        problem(table, key, f"{key} must be a whole number of days, not {value!r}")
        return default

    def strings(table: str, key: str) -> tuple[str, ...]:
        value = tables[table].get(key, [])
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        problem(table, key, f'{key} must be a list of text, like ["a", "b"]')
        return ()

    def holidays() -> tuple[date, ...]:
        value = defaults.get("holidays", [])
        found: list[date] = []
        for item in value if isinstance(value, list) else [value]:
            day = item if isinstance(item, date) and not isinstance(item, datetime) else None
            if isinstance(item, str):
                with contextlib.suppress(ValueError):
                    day = parse_date(item)
            if day is None:
                message = f"holidays must be a list of dates written YYYY-MM-DD, not {item!r}"
                problem("defaults", "holidays", message)
            else:
                found.append(day)
        return tuple(sorted(set(found)))

    config.stay_in_touch = number("defaults", "stay_in_touch", 90)
    config.thank_you_within = number("defaults", "thank_you_within", 1)
    config.holidays = holidays()
    config.timezone = _timezone(defaults, raw, problem)
    config.target_careers = strings("targets", "careers")
    config.target_companies = strings("targets", "companies")
    config.conversations_per_month, config.requests_per_week = _goals(tables["goals"], problem)
    title = digest.get("title", config.digest_title)
    config.digest_title = title if isinstance(title, str) else config.digest_title
    return config, problems


GOALS = ("conversations_per_month", "requests_per_week")


def _goals(
    goals: dict[str, Any], problem: Callable[[str, str, str], None]
) -> tuple[int | None, int | None]:
    """The pace goals of [goals]: whole numbers above 0, each unset when absent or wrong."""
    for key in goals:
        if key not in GOALS:
            close = difflib.get_close_matches(key, GOALS, 1, 0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problem("goals", key, f"unknown goal {key!r}{hint}: use {' or '.join(GOALS)}")
    found: list[int | None] = []
    for key in GOALS:
        value = goals.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            found.append(value)
        else:
            problem("goals", key, f"{key} must be a whole number above 0, not {value!r}")
            found.append(None)
    return found[0], found[1]


def _timezone(
    defaults: dict[str, Any], raw: dict[str, Any], problem: Callable[[str, str, str], None]
) -> str | None:
    """`timezone` under [defaults] or at the top of tool.toml, if it names a known zone."""
    found = [(t, v["timezone"]) for t, v in (("defaults", defaults), ("", raw)) if "timezone" in v]
    if not found:
        return None
    (table, value), *others = found
    for other_table, other in others:
        if other != value:
            message = f"timezone is also set under [{table}], to {value!r}, which is used"
            problem(other_table, "timezone", f"{message}; keep one")
    why = _zone_problem(value)
    if why:
        problem(table, "timezone", why)
        return None
    return str(value)


def _zone_problem(name: object) -> str | None:
    """Why `name` is not a time zone of the IANA database on this machine, or None."""
    wanted = 'an IANA time zone name like "Europe/Berlin"'
    if not isinstance(name, str):
        return f"timezone must be {wanted}, not {name!r}"
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    known = sorted(available_timezones())
    by_case = [z for z in known if z.casefold() == name.strip().casefold()]
    close = by_case or difflib.get_close_matches(name, known, 1, 0.8)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown timezone {name!r}: use {wanted}{hint}"


def config_line(text: str, table: str, key: str | None) -> int:
    """The line of `key` in `[table]` ("": before any table), else of the table's header, else 1.

    The one way to point at a setting in tool.toml, for its problems and for validate's.
    """
    current: str | None = ""
    header = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("[["):
            current = None  # an array of tables: none of its keys is a setting of `table`
        elif stripped.startswith("["):
            current = stripped.strip("[] \t").split("]")[0].strip()
            if current == table:
                header = number
        elif key and current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return header or 1


def _toml_position(message: str, text: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    if match:
        return int(match.group(1)), int(match.group(2))
    if "end of document" in message and text:
        lines = text.rstrip("\n").split("\n")
        return len(lines), len(lines[-1]) + 1
    return 1, 1
