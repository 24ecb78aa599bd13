"""Reader queries compiled to SQL once per database connection, then run with
each request's values.

Building a queryset and compiling it costs Django several times what the
database takes to run it: on the story page, 6.5 ms of Python against 1.2 ms
of SQLite for the same eight queries. The reader pages' hottest queries are
still written as querysets, so "live" and a card's columns keep their one
definition in ``querysets.py``; a ``compiled_query`` builds its queryset once
with stand-in values, compiles it, remembers where the stand-ins landed among
the SQL parameters, and on later calls puts the request's values there.

A stand-in is chosen so that it cannot be mistaken for anything else in the
query: a time in 1901 with odd microseconds, a control character in a string,
a large negative number. Compiling fails loudly if a stand-in is not found
exactly where a value was passed (a value folded into the SQL text, or
transformed on its way in, could never be replaced).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import weakref
from collections.abc import Callable, Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

STAND_IN_TIME = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
STAND_IN_INT_BASE = -7_340_000_000
# A "%s" placeholder, as Django's SQLite cursor finds them ("%%s" is a
# literal "%s").
PLACEHOLDER = re.compile(r"(?<!%)%s")


def shape_of(values: dict) -> tuple:
    """What makes two calls' SQL differ: the names given and their list lengths."""
    return tuple(
        (name, len(value)) if isinstance(value, list | tuple) else name
        for name, value in sorted(values.items())
    )


def stand_ins_for(values: dict) -> dict:
    """A stand-in for each value (and each item of a list value)."""
    numbers = itertools.count(STAND_IN_INT_BASE, -1)

    def stand_in(name, value):
        if isinstance(value, datetime.datetime):
            return STAND_IN_TIME
        if isinstance(value, bool):
            raise TypeError(f"{name}: booleans cannot be told apart; pass an int")
        if isinstance(value, int):
            return next(numbers)
        if isinstance(value, str):
            return f"\x1fstand-in {name}\x1f"
        raise TypeError(f"{name}: no stand-in for {type(value).__name__}")

    stand_ins = {}
    for name, value in sorted(values.items()):
        if isinstance(value, list | tuple):
            if not value:
                raise ValueError(f"{name}: an empty list has no query; check first")
            stand_ins[name] = [stand_in(name, item) for item in value]
        else:
            stand_ins[name] = stand_in(name, value)
    return stand_ins


class CompiledQuery:
    """One queryset's SQL and the parameter positions of its values."""

    def __init__(self, queryset: QuerySet, stand_ins: dict):
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots = self.locate(stand_ins)
        selected = self.compiler.select[: self.compiler.col_count]
        self.converters = self.compiler.get_converters(
            [expression for expression, _sql, _alias in selected]
        )
        self.named = self.compiler.connection.vendor == "sqlite"
        if self.named:
            self.sql = named_placeholders(self.sql)

    def adapt(self, value):
        """A value as the compiler passes it to the driver (times as text on SQLite)."""
        if isinstance(value, datetime.datetime):
            return self.compiler.connection.ops.adapt_datetimefield_value(value)
        return value

    def locate(self, stand_ins: dict) -> list[tuple[int, str, int | None]]:
        """(parameter position, value name, list index) for every stand-in."""
        slots = []
        for name, stand_in in stand_ins.items():
            items = (
                enumerate(stand_in)
                if isinstance(stand_in, list)
                else [(None, stand_in)]
            )
            for index, item in items:
                adapted = self.adapt(item)
                positions = [
                    position
                    for position, param in enumerate(self.params)
                    if type(param) is type(adapted) and param == adapted
                ]
                if not positions:
                    raise ImproperlyConfigured(
                        f"The value {name!r} does not reach the compiled query's "
                        f"parameters unchanged, so it cannot be replaced: {self.sql}"
                    )
                slots.extend((position, name, index) for position in positions)
        return slots

    def rows(self, values: dict) -> list[Sequence]:
        """The query's rows for ``values``, converted as Django converts them."""
        params = list(self.params)
        for position, name, index in self.slots:
            value = values[name] if index is None else values[name][index]
            params[position] = self.adapt(value)
        if self.named:
            params = {f"p{position}": value for position, value in enumerate(params)}
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.compiler.has_extra_select:
            rows = [row[: self.compiler.col_count] for row in rows]
        if not self.converters:
            return rows
        return list(self.compiler.apply_converters(rows, self.converters))


def named_placeholders(sql: str) -> str:
    """``sql`` with its n-th ``%s`` written ``%(pn)s``.

    Django's SQLite cursor rewrites ``%s`` placeholders for the driver with a
    regular expression on every call: on the story page that cost a fifth of
    what SQLite took to run the queries. Named ones it rewrites by string
    formatting, a small fraction of that.
    """
    numbers = itertools.count()
    return PLACEHOLDER.sub(lambda _match: f"%(p{next(numbers)})s", sql)


# Compiled queries belong to the connection they were compiled for: each
# thread has its own, and SQL differs between database vendors.
_compiled_by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# Beyond this many queries on one connection (deep pages of long listings
# each compile their own), the oldest are forgotten and compiled again when
# next asked for.
MAX_COMPILED_PER_CONNECTION = 500


def compiled_query(build: Callable[..., QuerySet]):
    """Decorate a function building a ``values_list()`` queryset; calling the
    result returns the query's rows.

    Positional arguments shape the SQL (a listing's kind, a slice's bounds)
    and each distinct set is compiled on its own; keyword arguments are the
    values put in place of stand-ins on every call.
    """

    @functools.wraps(build)
    def rows(*shaping, using: str = DEFAULT_DB_ALIAS, **values) -> list[Sequence]:
        compiled = _compiled_by_connection.setdefault(connections[using], {})
        key = (build, shaping, shape_of(values))
        if key not in compiled:
            if len(compiled) >= MAX_COMPILED_PER_CONNECTION:
                del compiled[next(iter(compiled))]
            stand_ins = stand_ins_for(values)
            queryset = build(*shaping, **stand_ins).using(using)
            compiled[key] = CompiledQuery(queryset, stand_ins)
        return compiled[key].rows(values)

    return rows


class RowLayout:
    """Where a model's columns, and those of the relations it joins, sit in a
    ``values_list()`` row, and how to load them back into instances.

    ``only`` names the columns to read (as for ``QuerySet.only()``); the
    primary keys and the joined relations' ids are always read.
    """

    def __init__(self, model: type[Model], related=(), only=None):
        self.model = model
        self.parts, self.names = [], []
        for relation in ("", *related):
            part_model = (
                model._meta.get_field(relation).related_model if relation else model
            )
            prefix = f"{relation}__" if relation else ""
            fields = [
                field
                for field in part_model._meta.concrete_fields
                if only is None
                or field.primary_key
                or f"{prefix}{field.name}" in only
                or (not relation and field.name in related)
            ]
            attnames = [field.attname for field in fields]
            pk_index = attnames.index(part_model._meta.pk.attname)
            self.parts.append((relation, part_model, attnames, pk_index))
            self.names.extend(f"{prefix}{field.name}" for field in fields)

    def load(self, row: Sequence, using: str = DEFAULT_DB_ALIAS):
        """The instance a queryset with ``select_related(*related)`` would
        have loaded from ``row``; columns after the layout's are ignored."""
        start, loaded = 0, None
        for relation, part_model, attnames, pk_index in self.parts:
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            if not relation:
                loaded = instance_from_db(part_model, using, attnames, values)
            elif values[pk_index] is None:
                setattr(loaded, relation, None)
            else:
                related = instance_from_db(part_model, using, attnames, values)
                setattr(loaded, relation, related)
        return loaded


def instance_from_db(model: type[Model], using: str, attnames, values) -> Model:
    """``model.from_db(using, attnames, values)``, for a model that keeps
    Django's ``__init__`` and ``from_db`` and has no init signal receivers.

    ``Model.__init__`` walks every field of the model to set each value
    through its descriptor; a story page loads some forty instances, and
    that walk cost more than everything else about loading them. For a fresh
    instance each of those descriptors only stores the value in the
    instance's ``__dict__``, so the values are stored there directly, with
    the state ``from_db`` gives. Columns not read stay deferred, as
    ``from_db`` leaves them. Any other model is loaded by ``from_db``.
    """
    if not _loads_plainly(model):
        return model.from_db(using, attnames, values)
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, using
    instance.__dict__.update(zip(attnames, values, strict=True))
    return instance


def _loads_plainly(model: type[Model]) -> bool:
    return _keeps_django_loading(model) and not (
        # No receiver at all is the usual case, and the cheapest to check.
        (pre_init.receivers and pre_init.has_listeners(model))
        or (post_init.receivers and post_init.has_listeners(model))
    )


@functools.cache
def _keeps_django_loading(model: type[Model]) -> bool:
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__
    )
