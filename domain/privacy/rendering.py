"""The export as a person reads it (HTML) and the file they download (a zip of both forms)."""

from __future__ import annotations

import io
import json
import zipfile
from html import escape
from typing import Any

README = """Your data from Mandi

export.json  everything Mandi holds about you, in the format "mandi.subject-export/1":
             records (every stored row about you, by kind of record), personal_fields (which
             columns are personal data, and of what category), data_access_log (who accessed
             your data, when, which fields) and information (purposes, recipients, retention,
             source, your rights, where to complain, automated decisions).
export.html  the same, to read in a browser.
"""


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return escape(json.dumps(value, ensure_ascii=False))
    return "" if value is None else escape(str(value))


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    columns = list(rows[0])
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _information(info: dict[str, Any]) -> str:
    parts = ["<h2>About this data</h2><dl>"]
    for key, value in info.items():
        title = escape(key.replace("_", " ").capitalize())
        if isinstance(value, list) and value and isinstance(value[0], dict):
            parts.append(f"<dt>{title}</dt><dd>{_table(value)}</dd>")
        elif isinstance(value, dict):
            rows = [{"category": k, "value": v} for k, v in value.items()]
            parts.append(f"<dt>{title}</dt><dd>{_table(rows)}</dd>")
        elif isinstance(value, list):
            items = "".join(f"<li>{_cell(v)}</li>" for v in value)
            parts.append(f"<dt>{title}</dt><dd><ul>{items}</ul></dd>")
        else:
            parts.append(f"<dt>{title}</dt><dd>{_cell(value)}</dd>")
    parts.append("</dl>")
    return "".join(parts)


def render_html(document: dict[str, Any]) -> str:
    sections = [
        f"<h2>{escape(name)}</h2>{_table(rows)}" for name, rows in document["records"].items()
    ]
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Your data from Mandi</title>"
        "</head><body><h1>Your data from Mandi</h1>"
        f"<p>Generated {escape(document['generated_at'])}.</p>"
        + _information(document["information"])
        + "".join(sections)
        + "<h2>Who accessed your data</h2>"
        + _table(document["data_access_log"])
        + "</body></html>"
    )


def package(document: dict[str, Any]) -> bytes:
    """A zip holding export.json, export.html and a README describing the format."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("export.html", render_html(document))
        archive.writestr("README.txt", README)
    return buffer.getvalue()
