"""Shape: each file's entries against the schema, every field problem located (file, line, field) at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from gpudb.problems import Problem
from gpudb.tiers import RETIRED_KINDS
from gpudb.validation.loader import Document, line_of
from gpudb.validation.records import AcceleratorRecord, Dataset, Located, M, SystemRecord
from gpudb.validation.schema import AcceleratorFile, SystemFile
from gpudb.validation.yaml_lines import LineDict, LineList, quoted


def _field_problems(
    error: ValidationError,
    shown_path: str,
    content: Any,
    prefix: tuple[Any, ...],
    accelerator: str | None,
    model: type,
) -> Iterator[Problem]:
    """pydantic's errors as problems with a file, line, field and stable code."""
    for detail in error.errors():
        location = prefix + tuple(detail["loc"])
        line = line_of(content, location)
        names = [str(step) for step in location if not isinstance(step, int)]
        if detail["type"] == "invalid_key":  # a key that is not a string (1: x): the key itself is the field
            names = [str(step) for step in location[:-1] if not isinstance(step, int)] + [str(location[-1])]
        if accelerator is not None and names[:1] == ["specs"]:
            names = names[1:]  # h20.tdp_w.source reads better than h20.specs.tdp_w.source
        field_name = ".".join(names) or None
        value = detail.get("input")
        if detail["type"] == "extra_forbidden":
            allowed = _allowed_fields(model, detail["loc"])
            guess = difflib.get_close_matches(str(detail["loc"][-1]), allowed, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            yield Problem(
                "unknown-field",
                f"unknown field {detail['loc'][-1]!r}; {hint}allowed: " + ", ".join(allowed),
                shown_path,
                line,
                accelerator,
                field_name,
            )
        elif detail["type"] == "missing":
            missing = str(detail["loc"][-1])
            if missing == "source" and names[:-1]:
                yield Problem(
                    "missing-source",
                    "value has no source; add 'source: <id from data/sources/>'",
                    shown_path,
                    line,
                    accelerator,
                    ".".join(names[:-1]),
                )
            else:
                yield Problem(
                    "missing-field",
                    f"required field {missing!r} is missing",
                    shown_path,
                    line,
                    accelerator,
                    field_name,
                )
        elif names[-1:] == ["kind"] and isinstance(value, str) and value in RETIRED_KINDS:
            yield Problem("retired-kind", RETIRED_KINDS[value], shown_path, line, accelerator, field_name, value)
        else:
            yield Problem(
                "not-finite" if detail["type"] == "finite_number" else "bad-type",
                f"{quoted(value)}: {detail['msg'][0].lower()}{detail['msg'][1:]}",
                shown_path,
                line,
                accelerator,
                field_name,
                value,
            )


def _allowed_fields(model: type[BaseModel], location: tuple[Any, ...]) -> list[str]:
    """The field names allowed where an unknown one was found: walk the models along the location."""
    for step in location[:-1]:
        if isinstance(step, str) and step in getattr(model, "model_fields", {}):
            model = _nested_model(model.model_fields[step].annotation) or model
    return list(model.model_fields)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as list[X], dict[str, X] or X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        if found := _nested_model(argument):
            return found
    return None


def read_list(documents: list[Document], model: type[M], what: str, dataset: Dataset) -> list[Located[M]]:
    """Entries of YAML files that each hold a list of `model`; problems go to the dataset."""
    records = []
    for document in documents:
        content = document.content
        if not isinstance(content, LineList):
            line = getattr(content, "line", 1)
            dataset.problems.append(
                Problem("bad-shape", f"a {what} file must be a YAML list", document.shown_path, line)
            )
            continue
        for index, item in enumerate(content):
            try:
                entry = model.model_validate(item)
            except ValidationError as error:
                dataset.problems.extend(_field_problems(error, document.shown_path, content, (index,), None, model))
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    dataset.invalid_ids.add(item["id"])  # reported here once; not again where it is cited
                continue
            records.append(Located(entry, document.shown_path, content.item_lines[index], item))
    return records


def read_mappings(
    documents: list[Document], dataset: Dataset, kind: str, model: type[M]
) -> Iterator[tuple[M, Document]]:
    """Each document that is a mapping valid against `model`, with its document; the others are problems."""
    for document in documents:
        content = document.content
        if not isinstance(content, LineDict):
            line = getattr(content, "line", 1)
            dataset.problems.append(
                Problem("bad-shape", f"{kind} file must be a YAML mapping", document.shown_path, line)
            )
            continue
        name = content.get("id") if isinstance(content.get("id"), str) else document.path.stem
        try:
            entry = model.model_validate(content)
        except ValidationError as error:
            dataset.problems.extend(_field_problems(error, document.shown_path, content, (), name, model))
            continue
        yield entry, document


def read_accelerators(documents: list[Document], dataset: Dataset) -> None:
    for entry, document in read_mappings(documents, dataset, "an accelerator", AcceleratorFile):
        dataset.accelerators.append(AcceleratorRecord(entry, document.shown_path, document.path, document.content))


def read_systems(documents: list[Document], dataset: Dataset) -> None:
    """System files (data/systems/<vendor>/<id>.yaml): each a mapping, checked against SystemFile."""
    for entry, document in read_mappings(documents, dataset, "a system", SystemFile):
        dataset.systems.append(SystemRecord(entry, document.shown_path, document.path, document.content))
