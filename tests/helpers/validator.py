import json
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit


class Validator:
    """The W3C Nu HTML checker, run once over a batch of documents (Java starts only once)."""

    def __init__(self, java, jar):
        self.command = [java, "-jar", str(jar), "--errors-only", "--format", "json"]

    def errors(self, documents: dict[str, str], kind="html") -> dict[str, list[str]]:
        """Map each document's name to its errors, as readable one-line messages.

        ``kind="css"`` checks stylesheets instead of HTML documents.
        """
        names = {f"{number}.{kind}": name for number, name in enumerate(documents)}
        with tempfile.TemporaryDirectory() as folder:
            for file_name, name in names.items():
                (Path(folder) / file_name).write_text(documents[name], encoding="utf-8")
            done = subprocess.run(
                [*self.command, *(["--css"] if kind == "css" else []), *names],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=120,
            )
        if not done.stderr.lstrip().startswith("{"):
            raise RuntimeError(f"The Nu HTML checker did not run: {done.stderr or done.stdout}")
        report = json.loads(done.stderr)
        errors = {name: [] for name in documents}
        for message in report["messages"]:
            file_name = PurePosixPath(urlsplit(message.get("url", "")).path).name
            where = f"line {message['lastLine']}" if "lastLine" in message else "document"
            extract = message.get("extract", "").strip().replace("\n", " ")
            errors.setdefault(names.get(file_name, file_name or "?"), []).append(
                f"{message['type']}: {message['message']} ({where}: {extract!r})"
            )
        return errors
