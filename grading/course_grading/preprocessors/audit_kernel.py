"""What the runtime audit runs in the student's kernel: sent as the text of cells, not imported.

`_course_audit_install` runs in the first cell, before any student code. It snapshots the
kernel's start state (IPython's execution machinery, the trace and profile functions, the
functions of the audited modules, the threads), prints the key that signs every later answer,
and leaves one function, ``sys.modules["_course_audit"].run``, that each later audit cell calls
with its tag. ``run`` stops any tracing, records what differs from the start (``found``), puts
back what it can, records what still differs (``left``) and prints one line:
``COURSE-AUDIT <tag> <signature> <json>``. Everything it uses was captured at the start.
"""


def _course_audit_install(tag, targets, allowed_callbacks):  # noqa: C901 (one closure, by design)
    import hashlib
    import hmac
    import importlib
    import json
    import secrets
    import sys
    import threading
    import types
    import warnings

    missing = object()
    shell = get_ipython()  # noqa: F821 (IPython's builtin in the kernel)
    stream, dumps, sign, compare = sys.stdout, json.dumps, hmac.new, hashlib.sha256
    key = secrets.token_bytes(32)
    settrace, setprofile, gettrace, getprofile = (
        sys.settrace,
        sys.setprofile,
        sys.gettrace,
        sys.getprofile,
    )
    thread_hooks = [
        (name, getattr(threading, "get" + name), getattr(threading, "set" + name))
        for name in ("trace", "profile")
        if hasattr(threading, "get" + name)
    ]

    def same(a, b):
        if a is b:
            return True
        func = getattr(a, "__func__", missing)
        return (
            func is not missing
            and func is getattr(b, "__func__", None)
            and (getattr(a, "__self__", None) is getattr(b, "__self__", None))
        )

    def name_of(value):
        return getattr(value, "__qualname__", None) or type(value).__name__

    # IPython's machinery: lists of transformers, attributes (methods and objects), callbacks.
    manager = shell.input_transformer_manager
    lists = [
        (shell, "input_transformers_post"),
        (shell, "ast_transformers"),
        (manager, "cleanup_transforms"),
        (manager, "line_transforms"),
        (manager, "token_transformers"),
    ]
    lists = [(owner, name, getattr(owner, name)) for owner, name in lists]
    lists = [(owner, name, row, list(row)) for owner, name, row in lists]
    attributes = [
        (shell, name)
        for name in (
            "showtraceback _showtraceback showsyntaxerror showindentationerror CustomTB "
            "custom_exceptions run_cell run_cell_async _run_cell run_ast_nodes run_code "
            "transform_cell transform_ast should_run_async compile events "
            "input_transformer_manager"
        ).split()
        if hasattr(shell, name)
    ]
    attributes += [(shell.events, "trigger"), (manager, "transform_cell")]
    attributes = [
        (
            owner,
            name,
            getattr(owner, name),
            vars(owner).get(name, missing),
            [(cls, vars(cls).get(name, missing)) for cls in type(owner).__mro__],
        )
        for owner, name in attributes
    ]
    events = shell.events
    table = events.callbacks
    callbacks = {event: (row, list(row)) for event, row in table.items()}
    threads = set(threading.enumerate())
    trace = [(gettrace, settrace, gettrace()), (getprofile, setprofile, getprofile())]
    trace += [(get, set_, get()) for _, get, set_ in thread_hooks]

    # The audited modules and classes: every value in their namespace, and functions' code.
    namespaces = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for target in targets:
            module_name, _, attribute = target.partition(":")
            try:
                module = importlib.import_module(module_name)
                owner = getattr(module, attribute) if attribute else module
            except Exception:  # not installed here: nothing to audit
                continue
            values = {n: v for n, v in vars(owner).items() if n.strip("_")}  # not _, __, ___
            codes = {n: v.__code__ for n, v in values.items() if isinstance(v, types.FunctionType)}
            module_entry = sys.modules.get(module_name) if not attribute else missing
            namespaces.append((target.replace(":", "."), owner, values, codes, module_entry))

    def allowed(callback):
        return str(getattr(callback, "__module__", "")).startswith(tuple(allowed_callbacks))

    def check(hooks):
        found = []
        for owner, name, start, items in lists:
            now = getattr(owner, name, None)
            if now is not start:
                found.append(f"ipython: {name} replaced")
            now = list(now or [])
            added = [name_of(x) for x in now if not any(x is y for y in items)]
            if added or len(now) != len(items):
                found.append(f"ipython: {name} has {', '.join(added) or 'items removed'}")
        for owner, name, start, _, _ in attributes:
            if not same(getattr(owner, name, missing), start):
                found.append(f"ipython: {name} replaced")
        if shell.events.callbacks is not events.callbacks or events.callbacks is not table:
            found.append("ipython: events callbacks replaced")
        for event, (row, items) in callbacks.items():
            now = shell.events.callbacks.get(event, [])
            if now is not row:
                found.append(f"ipython: events {event} replaced")
            added = [name_of(x) for x in now if not allowed(x) and not any(x is y for y in items)]
            if added:
                found.append(f"ipython: events {event} has {', '.join(added)}")
        for (get, now), (_, _, start) in zip(hooks, trace, strict=True):
            if now is not start:
                found.append(f"tracing: {get.__module__}.{get.__name__}() is {name_of(now)}")
        for name, owner, values, codes, module_entry in namespaces:
            if module_entry is not missing and sys.modules.get(name) is not module_entry:
                found.append(f"function: sys.modules[{name!r}] replaced")
            space = vars(owner)
            for attribute, value in values.items():
                if not same(space.get(attribute, missing), value):
                    found.append(f"function: {name}.{attribute} replaced")
                elif attribute in codes and value.__code__ is not codes[attribute]:
                    found.append(f"function: {name}.{attribute}.__code__ replaced")
        return sorted(set(found))

    def put_back(owner, name, value):
        try:
            if value is missing:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
        except (AttributeError, TypeError):  # a built-in type: it cannot have changed
            pass

    def reset():
        for _, set_, start in trace:
            set_(start)
        for owner, name, start, start_dict, classes in attributes:
            instance = vars(owner)
            if instance.get(name, missing) is not start_dict:
                if start_dict is missing:
                    instance.pop(name, None)
                else:
                    instance[name] = start_dict
            for cls, value in classes:
                if vars(cls).get(name, missing) is not value:
                    put_back(cls, name, value)
            if not same(getattr(owner, name, missing), start):
                put_back(owner, name, start)
        for owner, name, start, items in lists:
            if getattr(owner, name, None) is not start:
                put_back(owner, name, start)
            start[:] = items
        events.callbacks = table
        for event, (row, items) in callbacks.items():
            kept = [x for x in row if allowed(x) and not any(x is y for y in items)]
            table[event] = row
            row[:] = items + kept
        for name, owner, values, codes, module_entry in namespaces:
            if module_entry is not missing and sys.modules.get(name) is not module_entry:
                sys.modules[name] = module_entry
            space = vars(owner)
            for attribute, value in values.items():
                if not same(space.get(attribute, missing), value):
                    put_back(owner, attribute, value)
                if attribute in codes and value.__code__ is not codes[attribute]:
                    value.__code__ = codes[attribute]

    def answer(tag, body):
        text = dumps(body, sort_keys=True)
        signature = sign(key, f"{tag} {text}".encode(), compare).hexdigest()
        stream.write(f"COURSE-AUDIT {tag} {signature} {text}\n")
        stream.flush()

    def run(tag):
        hooks = [(get, get()) for get, _, _ in trace]
        settrace(None)  # no trace or profile function watches the audit itself
        setprofile(None)
        found = check(hooks)
        reset()
        alive = [t.name for t in threading.enumerate() if t not in threads and t.is_alive()]
        left = check([(get, get()) for get, _, _ in trace])
        answer(tag, {"found": found, "left": left, "threads": alive})

    module = types.ModuleType("_course_audit")
    module.run = run
    sys.modules["_course_audit"] = module
    stream.write(f"COURSE-AUDIT {tag} {key.hex()} {{}}\n")
    stream.flush()
