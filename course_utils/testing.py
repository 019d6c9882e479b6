"""Two helpers the chapters' tests use, in your notebook and when it is graded.

Introduced in chapter 06. In your notebook they are plain Python: ``in_your_kernel(f, x)`` is
``f(x)`` and ``identity(x)`` is ``id(x)``. When a notebook is graded, its tests run in a
separate, clean Python, the checker, while your answers stay in your notebook's kernel: a test
that calls one of your functions sends the arguments there and gets the result back as data
(numbers, arrays, tensors, a Keras model's configuration and weights). There
``in_your_kernel(f, x)`` sends the test's function ``f`` to your kernel, runs it next to your
answers and brings back only its result, and ``identity`` tells whether two results were one
object in your kernel.
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


def identity(value: Any) -> int | str:
    """An identity of ``value``: equal for one object, different for two.

    Introduced in chapter 06. Tests use it to check that a function builds a new object on
    every call (``identity(first) != identity(second)``).

    Examples
    --------
    >>> values = [1]
    >>> identity(values) == identity(values), identity(values) == identity([1])
    (True, False)
    """
    return id(value)
