"""data/ files → raw Python records that remember the line of every key, for messages that say where: reading a
file (size, encoding, structure, YAML, each refused with a located problem) and a folder of them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gpudb.problems import Problem
from gpudb.validation.yaml_block import parse as _parse  # the line reader, else libyaml
from gpudb.validation.yaml_lines import MAX_DEPTH, LineDict, LineList, _DuplicateKey, _Refused

MAX_FILE_BYTES = 16 * 2**20
# Newlines, ': ', ',', '[' and '{' bound from above how many values a file writes. The largest real file has
# about 1,300; past 100,000 a file is refused before it is parsed, which keeps `gpudb check` on any file under
# 1 MB within a second and 200 MB (libyaml's node tree of a 1 MB file of '[[[[1]]]]' would take 540 MB).
MAX_MARKS = 100_000
STRUCTURE_MARKS = ("\n", ": ", ",", "[", "{")


@dataclass(frozen=True)
class Document:
    """One parsed data file: where it is (as shown to people) and what it holds."""

    path: Path
    shown_path: str  # e.g. data/accelerators/nvidia/h20.yaml
    content: Any
    digest: bytes = b""  # sha256 of the bytes read: the build's data digest is of what was validated


def line_of(content: Any, location: tuple[Any, ...]) -> int | None:
    """The line of the deepest key or item of `location` that exists in `content`."""
    return walk(content, location)[0]


def lines_of(content: Any, location: tuple[Any, ...], key: str) -> tuple[int | None, int | None]:
    """line_of(content, location) and line_of(content, (*location, key)), walking `content` once."""
    line, node, complete = walk(content, location)
    if complete and isinstance(node, LineDict) and key in node:
        return line, node.key_lines[key]
    return line, line


def walk(content: Any, location: tuple[Any, ...]) -> tuple[int | None, Any, bool]:
    """(line, node) of the deepest key or item of `location` in `content`, and whether all of it exists."""
    line = getattr(content, "line", None)
    node = content
    for step in location:
        if isinstance(node, LineDict) and step in node:
            line, node = node.key_lines[step], node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.item_lines[step], node[step]
        else:
            return line, node, False
    return line, node, True


def reread_tree(path: Path) -> Any:
    """The line-numbered content of a file read before (for the lines of a problem found later); None when it no
    longer reads as it did."""
    try:
        return _parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, yaml.YAMLError):  # _Refused and _DuplicateKey are YAMLErrors
        return None


def shown_path(path: Path, data_dir: Path) -> str:
    """The path as messages show it: relative to the folder that holds data/."""
    try:
        return path.relative_to(data_dir.parent).as_posix()
    except ValueError:
        return path.as_posix()


def structure_marks(text: str, end: int | None = None) -> int:
    """How many newlines, ': ', ',', '[' and '{' `text[:end]` holds (str.count: about 1 ms a megabyte)."""
    return sum(text.count(mark, 0, end) for mark in STRUCTURE_MARKS)


def line_past(text: str, marks: int) -> int:
    """The line on which `text` passes `marks` structure marks (a binary search over prefix counts)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if structure_marks(text, middle) > marks:
            high = middle
        else:
            low = middle + 1
    return text.count("\n", 0, low) + 1


def read_document(path: Path, data_dir: Path) -> tuple[Document | None, Problem | None]:
    """Parse one YAML file; a file that cannot be read as UTF-8 YAML gives a problem instead."""
    shown = shown_path(path, data_dir)
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file has {len(raw):,} bytes, more than the {MAX_FILE_BYTES:,} a data file may have; split it"
        return None, Problem("too-large", message, file=shown, line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line: int | None = raw[: error.start].count(b"\n") + 1
        return None, Problem(
            "not-utf8",
            f"byte 0x{raw[error.start]:02x} at offset {error.start} is not UTF-8; save the file as UTF-8",
            file=shown,
            line=line,
        )
    if (marks := structure_marks(text)) > MAX_MARKS:
        message = (
            f"the file writes more than {MAX_MARKS:,} values, keys or items ({marks:,} lines, keys and separators);"
            " split it"
        )
        return None, Problem("too-large", message, file=shown, line=line_past(text, MAX_MARKS))
    try:
        content = _parse(text)
    except _Refused as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        return None, Problem(error.code, error.message, file=shown, line=line, field=error.field)
    except RecursionError:
        message = f"values nest more than {MAX_DEPTH} levels deep"
        return None, Problem("too-deep", message, file=shown, line=1)
    except _DuplicateKey as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        return None, Problem("duplicate-key", error.problem or "duplicate key", file=shown, line=line)
    except yaml.reader.ReaderError as error:  # a control character: PyYAML says where as an offset, not a mark
        line = text[: error.position].count("\n") + 1
        message = f"invalid YAML: character #x{error.character:04x} is a control character, not allowed in YAML"
        return None, Problem("yaml-syntax", message, file=shown, line=line)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(error, "problem", None) or str(error)
        context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and context_mark and context_mark.line + 1 != line:
            what += f" ({context} at line {context_mark.line + 1})"
        return None, Problem("yaml-syntax", f"invalid YAML: {what}", file=shown, line=line)
    return Document(path, shown, content, hashlib.sha256(raw).digest()), None


def yaml_files(folder: Path) -> Iterator[Path]:
    """Every .yaml/.yml file below `folder`, in a stable order (yaml_file_names')."""
    return map(Path, yaml_file_names(folder))


def yaml_file_names(folder: Path) -> list[str]:
    """The path of every .yaml/.yml file below `folder` as str() of its Path, in the order of Paths (part by
    part): the files `sorted(folder.rglob("*"))` gives whose suffix is .yaml or .yml and that are files, symbolic
    links to files included; a linked folder is not entered, a hidden file is listed, a folder that cannot be
    read is skipped. Walked with os.scandir and sorted as text: a data/ of 100,000 chip files is listed in 0.3 s,
    where rglob and its Paths took 1.3–1.9 s before the reading processes could start."""
    prefix = path_prefix(folder)
    names: list[str] = []
    below = [prefix]  # folders still to list, each as the prefix of its entries' paths
    while below:
        parent = below.pop()
        try:
            with os.scandir(parent or ".") as entries:
                for entry in entries:
                    path = parent + entry.name
                    if _is_folder(entry):
                        below.append(path + os.sep)
                    elif _is_yaml_name(entry.name) and entry.is_file():  # is_file follows a link
                        names.append(path)
        except OSError:
            continue  # an unreadable folder, or not a folder (`folder` itself absent): nothing below it
    start = len(prefix)
    names.sort(key=lambda name: name[start:].split(os.sep))  # Path order compares part by part
    return names


def path_prefix(folder: Path) -> str:
    """What str(folder / name) puts before `name`: yaml_file_names' paths start with it."""
    top = str(folder)
    return "" if top == "." else top.rstrip(os.sep) + os.sep  # str(Path('.') / 'x') is 'x'


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder rglob enters: a real one, not a link to one."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_yaml_name(name: str) -> bool:
    """Whether Path(name).suffix is .yaml or .yml (a name such as '.yaml' has no suffix)."""
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:] in (".yaml", ".yml")


def yaml_stem(path: str) -> str:
    """Path(path).stem of a path yaml_file_names gave, whose name has a suffix (without making the Path)."""
    return path[path.rfind(os.sep) + 1 : path.rfind(".")]


def load_folder(folder: Path, data_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Parse every YAML file below `folder`; collect the problems of those that do not parse."""
    return load_paths(yaml_files(folder), data_dir)


def load_paths(paths: Iterable[Path], data_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Parse each YAML file of `paths` (from yaml_files); collect the problems of those that do not parse."""
    documents, problems = [], []
    for path in paths:
        document, problem = read_document(path, data_dir)
        if document is not None:
            documents.append(document)
        if problem is not None:
            problems.append(problem)
    return documents, problems
