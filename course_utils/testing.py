"""Helpers the chapters' tests use, in your notebook and when it is graded.

Introduced in chapter 06. In your notebook they are plain Python: ``in_your_kernel(f, x)`` is
``f(x)``. When a notebook is graded, its tests run in a separate, clean Python, the checker,
while your answers stay in your notebook's kernel: a test that calls one of your functions
sends the arguments there and gets the result back as data (numbers, arrays, tensors, a Keras
model's configuration and weights). There ``in_your_kernel(f, x)`` sends the test's function
``f`` to your kernel, runs it next to your answers and brings back only its result; so
``in_your_kernel(new_model_each_call, make)`` checks, where your models are, that ``make``
builds a new model on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def in_your_kernel(function: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """Call ``function(*args, **kwargs)`` where your answers live, and return its result.

    Introduced in chapter 06. Tests use it for what must happen next to your answers, such as
    driving a callback you wrote or reading a file your function wrote.

    Examples
    --------
    >>> in_your_kernel(sum, [1, 2, 3])
    6
    """
    return function(*args, **kwargs)


def new_model_each_call(make: Callable, /, *args: Any) -> bool:
    """Whether two calls ``make(*args)`` return two objects that share no weight.

    Introduced in chapter 03. Tests ask it with ``in_your_kernel(new_model_each_call, make)``:
    where your models are built, so that a function that returns one cached model, or reuses
    its layers, is caught, and only one model has to cross to the tests.

    Examples
    --------
    >>> cached = object()
    >>> new_model_each_call(lambda: cached), new_model_each_call(object)
    (False, True)
    """
    first, second = make(*args), make(*args)
    shared = {id(v) for v in getattr(first, "weights", [])} & {
        id(v) for v in getattr(second, "weights", [])
    }
    return first is not second and not shared
